export * from "./net.js";
