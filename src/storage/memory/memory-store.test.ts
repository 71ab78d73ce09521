import { runStoreConformance } from "../conformance.ts";
import { openMemoryStore } from "./memory-store.ts";

runStoreConformance("memory", async () => ({ store: openMemoryStore() }));
