// Reads a Chroma collection with the official JavaScript client (npm package "chromadb") and
// prints what it sees as one line of JSON, so a Java test can check that what batch-chroma wrote
// is readable by Chroma's own client.
//
//   CHROMADB_DIR=.ci/work/chroma node read-collection.mjs URL COLLECTION [QUERY_VECTOR_JSON]
//
// CHROMADB_DIR is the folder whose node_modules holds chromadb (.ci/chroma.sh installs it there).
// The tenant and database are read from CHROMA_TENANT / CHROMA_DATABASE, defaulting to Chroma's.
// Output: {"name","id","space","count","ids","documents","metadatas","embeddings","query"};
// "query" is present when a query vector is given: the nearest 10 as {"ids","distances"}.
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

const [url, name, queryVector] = process.argv.slice(2);
if (!url || !name) {
  console.error("usage: node read-collection.mjs URL COLLECTION [QUERY_VECTOR_JSON]");
  process.exit(2);
}
const dir = process.env.CHROMADB_DIR;
if (!dir) {
  console.error("set CHROMADB_DIR to the folder whose node_modules holds chromadb");
  process.exit(2);
}

// ES modules ignore NODE_PATH: resolve the package from CHROMADB_DIR explicitly.
const require = createRequire(join(resolve(dir), "package.json"));
const { ChromaClient } = require("chromadb");

const server = new URL(url);
const client = new ChromaClient({
  host: server.hostname,
  port: Number(server.port || (server.protocol === "https:" ? 443 : 80)),
  ssl: server.protocol === "https:",
  tenant: process.env.CHROMA_TENANT || "default_tenant",
  database: process.env.CHROMA_DATABASE || "default_database",
});

const collection = await client.getCollection({ name });
const all = await collection.get({ include: ["documents", "metadatas", "embeddings"] });
const out = {
  name: collection.name,
  id: collection.id,
  space: collection.configuration?.hnsw?.space ?? collection.configuration?.spann?.space ?? null,
  count: await collection.count(),
  ids: all.ids,
  documents: all.documents,
  metadatas: all.metadatas,
  embeddings: all.embeddings.map((e) => Array.from(e)),
};
if (queryVector) {
  const found = await collection.query({
    queryEmbeddings: [JSON.parse(queryVector)],
    nResults: 10,
    include: ["distances"],
  });
  out.query = { ids: found.ids[0], distances: found.distances[0] };
}
process.stdout.write(JSON.stringify(out) + "\n");
