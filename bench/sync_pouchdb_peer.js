// The peer for bench/sync_throughput.py: PouchDB's own replicator moving the same notes through the
// same pouchdb-server in the same run. Prints one JSON object on stdout.
//
//   node bench/sync_pouchdb_peer.js --server URL --data notes.json --workdir DIR --prefix NAME
//        [--batch 500] [--edits 500] [--overlap 100]
//
// Steps, each timed as in the Python benchmark:
//   push:     a local LevelDB PouchDB holding the notes replicates to an empty server database;
//   pull:     a second, empty local PouchDB replicates from that server database;
//   converge: both local databases edit --edits notes offline (--overlap of them the same notes),
//             then "reconnect": A syncs, B syncs, A syncs (one-shot two-way sync each), until the
//             winning revisions of A, B and the server agree. PouchDB keeps conflicts as conflicts
//             (it has no app-level merge), so it writes no merge revisions.
"use strict";
const path = require("path");
const fs = require("fs");
const PouchDB = require(path.join(__dirname, "..", "tools", "node", "node_modules", "pouchdb"));

function arg(name, dflt) {
  const i = process.argv.indexOf("--" + name);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

async function winners(db) {
  const res = await db.allDocs();
  const out = {};
  for (const row of res.rows) if (!row.id.startsWith("_design/")) out[row.id] = row.value.rev;
  return out;
}

function same(a, b) {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}

async function main() {
  const server = arg("server");
  const prefix = arg("prefix", "pouchdb-peer");
  const batch = parseInt(arg("batch", "500"), 10);
  const edits = parseInt(arg("edits", "500"), 10);
  const overlap = parseInt(arg("overlap", "100"), 10);
  const workdir = arg("workdir");
  const notes = JSON.parse(fs.readFileSync(arg("data"), "utf8"));
  const opts = { batch_size: batch, batches_limit: 5 };

  const a = new PouchDB(path.join(workdir, "peer-a"));
  const docs = notes.map((n) => Object.assign({ _id: n.id, type: "note" }, n.fields));
  for (let i = 0; i < docs.length; i += 1000) await a.bulkDocs(docs.slice(i, i + 1000));
  const remote = new PouchDB(`${server}/${prefix}`);

  let t0 = process.hrtime.bigint();
  const pushRes = await a.replicate.to(remote, opts);
  const pushS = Number(process.hrtime.bigint() - t0) / 1e9;

  const b = new PouchDB(path.join(workdir, "peer-b"));
  t0 = process.hrtime.bigint();
  const pullRes = await b.replicate.from(remote, opts);
  const pullS = Number(process.hrtime.bigint() - t0) / 1e9;

  // Offline edits on both sides; the first `overlap` of B's edits hit the same notes as A's.
  const ids = docs.map((d) => d._id);
  const editsOf = async (db, chosen, who) => {
    const got = await db.allDocs({ keys: chosen, include_docs: true });
    const changed = got.rows.map((r) => Object.assign({}, r.doc, { body: r.doc.body + "\nedited by " + who }));
    await db.bulkDocs(changed);
  };
  await editsOf(a, ids.slice(0, edits), "a");
  await editsOf(b, ids.slice(edits - overlap, 2 * edits - overlap), "b");

  t0 = process.hrtime.bigint();
  let rounds = 0;
  for (;;) {
    rounds += 1;
    await a.sync(remote, opts);
    await b.sync(remote, opts);
    await a.sync(remote, opts);
    const [wa, wb, wr] = await Promise.all([winners(a), winners(b), winners(remote)]);
    if ((same(wa, wb) && same(wb, wr)) || rounds >= 5) break;
  }
  const convergeS = Number(process.hrtime.bigint() - t0) / 1e9;
  const conflicted = (await a.allDocs({ include_docs: true, conflicts: true })).rows.filter(
    (r) => r.doc && r.doc._conflicts && r.doc._conflicts.length).length;

  process.stdout.write(JSON.stringify({
    pouchdb_version: PouchDB.version,
    push_s: pushS, pushed: pushRes.docs_written,
    pull_s: pullS, pulled: pullRes.docs_written,
    converge_s: convergeS, converge_rounds: rounds, conflicts_left: conflicted,
  }) + "\n");
  await Promise.all([a.close(), b.close()]);
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack || e) + "\n");
  process.exit(1);
});
