import {
  VERIFY_FLAGS,
  registerVerify,
  runVerify
} from "./chunk-AZH2PAAB.js";
import "./chunk-QCBOQW7N.js";
import "./chunk-SP5EZO2H.js";
import "./chunk-TLRGMCEY.js";
import "./chunk-M2CEXFWY.js";
import "./chunk-O2HUYNQ3.js";
import "./chunk-WY2B4RG5.js";
import "./chunk-MMTFBEVX.js";
import "./chunk-3TCPD4YY.js";
export {
  VERIFY_FLAGS,
  registerVerify,
  runVerify
};
