export { compareKeys, type ObjectInfo, type ObjectStore } from "./object-store.js";
export { formatLocation, joinKey, parseLocation, type Location } from "./uri.js";
export { LocalStore } from "./local-store.js";
export { openStore } from "./open-store.js";
