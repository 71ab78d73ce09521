// Child process of the SIGKILL durability test: writes /durable/<i> one txn at a time, forever,
// and prints each acknowledged write as a JSON line. The parent kills it mid-stream and checks
// that every write printed here survived. Usage: write-forever.ts <db path> <durability>
import { openSqliteStore } from "../sqlite-store.ts";

const [path, durability] = process.argv.slice(2);
const store = await openSqliteStore({ path, durability: durability === "normal" ? "normal" : "full" });
for (let i = 0; ; i++) {
  const key = `/durable/${i}`;
  const { revision } = await store.txn(
    [{ key, modRevision: 0 }],
    [{ type: "put", key, value: `{"i":${i}}` }],
  );
  process.stdout.write(`${JSON.stringify({ key, revision })}\n`);
}
