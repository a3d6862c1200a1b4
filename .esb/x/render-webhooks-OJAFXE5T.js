import {
  formatDispatchLog,
  printDeliveries,
  printTestResult,
  printVerdict,
  printWebhooks
} from "./chunk-F5E25DO5.js";
import "./chunk-LHQAUY5C.js";
export {
  formatDispatchLog,
  printDeliveries,
  printTestResult,
  printVerdict,
  printWebhooks
};
