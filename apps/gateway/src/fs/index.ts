export {
  DIR_MODE,
  ensureDir,
  FILE_MODE,
  isNotFound,
  readJsonFile,
  writeFileAtomic,
  writeJsonAtomic,
} from "./atomic-write.js";
export {
  type JsonlReadResult,
  JsonlWriter,
  type JsonlWriterOptions,
  readJsonl,
  readJsonlTail,
} from "./jsonl.js";
export { isSafeFileName, safeFileName } from "./safe-name.js";
