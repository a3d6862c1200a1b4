import {
  randomBase62
} from "./chunk-TLRGMCEY.js";

// dist/core/ids.js
function newId(prefix) {
  return `${prefix}_${randomBase62(10)}`;
}

export {
  newId
};
