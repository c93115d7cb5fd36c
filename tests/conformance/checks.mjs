// Conformance checks: the official AWS SDK for JavaScript (@aws-sdk/client-redshift-data) against the emulator,
// with SigV4 checking on. Every response must be parsed by the client without complaint.
// Env: EMULATOR_URL, EMULATOR_ACCESS_KEY_ID, EMULATOR_SECRET_ACCESS_KEY, and the limits run.sh starts it with:
// EMULATOR_CAP (Emulator:MaxActiveStatements), EMULATOR_V2_QUOTA (Emulator:Quotas:GetStatementResultV2).
// Prints one line per check and "checks: N passed, M failed" at the end.
import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import {
  RedshiftDataClient, RedshiftDataServiceException, BatchExecuteStatementCommand, ExecuteStatementCommand,
  DescribeStatementCommand, GetStatementResultCommand, GetStatementResultV2Command, CancelStatementCommand, ListStatementsCommand,
  ValidationException, ResourceNotFoundException, InternalServerException, ActiveStatementsExceededException,
} from "@aws-sdk/client-redshift-data";
import { SignatureV4 } from "@smithy/signature-v4";

const endpoint = process.env.EMULATOR_URL;
const credentials = { accessKeyId: process.env.EMULATOR_ACCESS_KEY_ID, secretAccessKey: process.env.EMULATOR_SECRET_ACCESS_KEY, sessionToken: "conformance" };
const client = new RedshiftDataClient({ region: "us-east-1", endpoint, credentials, maxAttempts: 1 });
const target = { Database: "dev", WorkgroupName: "conformance" };
const run = `c${Date.now()}`;

const cap = Number(process.env.EMULATOR_CAP ?? 0);
const v2Quota = Number(process.env.EMULATOR_V2_QUOTA ?? 0);

// /_emulator/* is signed like the Data API (any service name and region; the emulator checks key and signature).
const adminSigner = new SignatureV4({
  service: "redshift-data", region: "us-east-1", credentials,
  sha256: class { constructor(secret) { this.h = secret ? createHmac("sha256", secret) : createHash("sha256"); }
    update(data) { this.h.update(data); } async digest() { return new Uint8Array(this.h.digest()); } },
});
async function admin(path, { method = "GET", body } = {}) {
  const url = new URL(path, endpoint);
  const headers = { host: url.host, ...(body === undefined ? {} : { "content-type": "application/json" }) };
  const signed = await adminSigner.sign({ method, protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path: url.pathname, headers, body });
  const { host, ...sendHeaders } = signed.headers;
  return fetch(url, { method, headers: sendHeaders, body });
}

let passed = 0, failed = 0;
async function check(name, fn) {
  try { await fn(); passed++; console.log(`ok - ${name}`); }
  catch (e) { failed++; console.log(`not ok - ${name}\n  ${String(e?.stack ?? e).split("\n").slice(0, 6).join("\n  ")}`); }
}

async function waitForEnd(id, deadlineMs = 60000) {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const d = await client.send(new DescribeStatementCommand({ Id: id, WaitTimeSeconds: 5 }));
    if (["FINISHED", "FAILED", "ABORTED"].includes(d.Status)) return d;
    if (Date.now() > deadline) throw new Error(`statement ${id} still ${d.Status}`);
  }
}

async function expectError(promise, name, status) {
  try { await promise; } catch (e) {
    assert.ok(e instanceof RedshiftDataServiceException, `expected a RedshiftDataServiceException, got ${e?.constructor?.name}: ${e}`);
    assert.equal(e.name, name, `error name (message: ${e.message})`);
    assert.equal(e.$metadata.httpStatusCode, status);
    assert.ok(e.message && e.message !== "UnknownError", "message parsed");
    assert.ok(e.$metadata.requestId, "x-amzn-RequestId parsed");
    return e;
  }
  throw new Error(`expected ${name}, but the call succeeded`);
}

function withMiddleware(mutate) {
  const c = new RedshiftDataClient({ region: "us-east-1", endpoint, credentials, maxAttempts: 1 });
  c.middlewareStack.add((next) => async (args) => { mutate(args.request); return next(args); }, { step: "build", name: "conformanceMutate" });
  return c;
}

await check("BatchExecuteStatement then DescribeStatement until FINISHED with sub-statements", async () => {
  const submitted = await client.send(new BatchExecuteStatementCommand({
    ...target, StatementName: `${run}-batch`,
    Sqls: ["create table conf_t (a int, b text, c numeric(10,2), d date, e boolean, f float8, g bytea)",
      "insert into conf_t values (1, 'x', 12.5, '2024-01-02', true, 1.5, '\\\\x010203'), (2, null, null, null, null, null, null), (3, 'it\\'s', 0, '2024-01-03', false, 0, null)",
      "select * from conf_t order by a"],
  }));
  assert.match(submitted.Id, /^[0-9a-f-]{36}$/);
  assert.ok(submitted.CreatedAt instanceof Date && !isNaN(submitted.CreatedAt));
  const d = await waitForEnd(submitted.Id);
  assert.equal(d.Status, "FINISHED");
  assert.ok(d.UpdatedAt instanceof Date && d.UpdatedAt >= d.CreatedAt);
  assert.equal(d.SubStatements.length, 3);
  for (const [i, s] of d.SubStatements.entries()) {
    assert.equal(s.Id, `${submitted.Id}:${i + 1}`);
    assert.equal(s.Status, "FINISHED");
    assert.equal(typeof s.Duration, "number");
    assert.ok(s.CreatedAt instanceof Date);
  }
  assert.equal(d.SubStatements[1].ResultRows, 3);
  assert.equal(d.SubStatements[2].HasResultSet, true);
  globalThis.batchId = submitted.Id;
});

await check("GetStatementResult: typed fields, column metadata, pages", async () => {
  const p1 = await client.send(new GetStatementResultCommand({ Id: `${globalThis.batchId}:3` }));
  assert.equal(p1.TotalNumRows, 3);
  assert.equal(p1.Records.length, 2);
  assert.ok(p1.NextToken);
  const r = p1.Records[0];
  assert.equal(r[0].longValue, 1);
  assert.equal(r[1].stringValue, "x");
  assert.equal(r[2].stringValue, "12.50");
  assert.equal(r[3].stringValue, "2024-01-02");
  assert.equal(r[4].booleanValue, true);
  assert.equal(r[5].doubleValue, 1.5);
  assert.deepEqual([...r[6].blobValue], [1, 2, 3]);
  assert.equal(p1.Records[1][1].isNull, true);
  assert.equal(p1.ColumnMetadata[0].name, "a");
  assert.equal(p1.ColumnMetadata[0].typeName, "int4");
  const p2 = await client.send(new GetStatementResultCommand({ Id: `${globalThis.batchId}:3`, NextToken: p1.NextToken }));
  assert.equal(p2.Records.length, 1);
  assert.equal(p2.Records[0][1].stringValue, "it's");
  assert.equal(p2.NextToken, undefined);
});

await check("ExecuteStatement with parameters and WaitTimeSeconds long polling", async () => {
  const s = await client.send(new ExecuteStatementCommand({ ...target, Sql: "select :n::int * 2 as doubled", Parameters: [{ name: "n", value: "21" }], WaitTimeSeconds: 10 }));
  assert.equal(s.Status, "FINISHED");
  const d = await client.send(new DescribeStatementCommand({ Id: s.Id }));
  assert.equal(d.QueryString, "select :n::int * 2 as doubled");
  assert.deepEqual(d.QueryParameters, [{ name: "n", value: "21" }]);
  const r = await client.send(new GetStatementResultCommand({ Id: s.Id }));
  assert.equal(r.Records[0][0].longValue, 42);
});

await check("failed batch: FAILED with the error on the parent and the sub-statement", async () => {
  const s = await client.send(new BatchExecuteStatementCommand({ ...target, Sqls: ["select 1", "select * from conf_missing_table"] }));
  const d = await waitForEnd(s.Id);
  assert.equal(d.Status, "FAILED");
  assert.match(d.Error, /conf_missing_table/);
  assert.equal(d.SubStatements[1].Status, "FAILED");
  assert.match(d.SubStatements[1].Error, /conf_missing_table/);
});

await check("CancelStatement stops a long statement (ABORTED); cancelling again is a ValidationException", async () => {
  const s = await client.send(new ExecuteStatementCommand({ ...target, Sql: "select pg_sleep(120)" }));
  const deadline = Date.now() + 30000;
  while ((await client.send(new DescribeStatementCommand({ Id: s.Id }))).Status !== "STARTED") {
    if (Date.now() > deadline) throw new Error("never STARTED");
    await new Promise((r) => setTimeout(r, 50));
  }
  const started = Date.now();
  const c = await client.send(new CancelStatementCommand({ Id: s.Id }));
  assert.equal(c.Status, true);
  const d = await client.send(new DescribeStatementCommand({ Id: s.Id }));
  assert.equal(d.Status, "ABORTED");
  assert.ok(Date.now() - started < 10000);
  const e = await expectError(client.send(new CancelStatementCommand({ Id: s.Id })), "ValidationException", 400);
  assert.ok(e instanceof ValidationException);
  assert.match(e.message, /already in ABORTED state/);
});

await check("ClientToken: the same token returns the same Id and runs the SQL once", async () => {
  const input = { ...target, Sqls: ["/* emulator: sleep=0.2 */ select 1"], ClientToken: `${run}-token`, StatementName: `${run}-idem` };
  const a = await client.send(new BatchExecuteStatementCommand(input));
  const b = await client.send(new BatchExecuteStatementCommand(input));
  await waitForEnd(a.Id);
  const c = await client.send(new BatchExecuteStatementCommand(input));
  assert.equal(b.Id, a.Id);
  assert.equal(c.Id, a.Id);
  const log = await (await admin("/_emulator/statements")).json();
  const mine = log.filter((s) => s.clientToken === `${run}-token`);
  assert.equal(mine.length, 1);
  assert.equal(mine[0].executions, 1);
});

await check("ListStatements: name prefix, Status ALL, pages, dates", async () => {
  for (let i = 0; i < 3; i++) await client.send(new ExecuteStatementCommand({ ...target, Sql: "select 1", StatementName: `${run}-list-${i}` }));
  const seen = [];
  let token;
  do {
    const page = await client.send(new ListStatementsCommand({ StatementName: `${run}-list`, Status: "ALL", MaxResults: 2, NextToken: token }));
    for (const s of page.Statements) { assert.ok(s.CreatedAt instanceof Date); assert.equal(s.IsBatchStatement, false); seen.push(s.StatementName); }
    token = page.NextToken;
  } while (token);
  assert.deepEqual(seen.sort(), [`${run}-list-0`, `${run}-list-1`, `${run}-list-2`]);
});

const validationCases = [
  ["no SQL", new BatchExecuteStatementCommand({ ...target, Sqls: [] })],
  ["41 SQLs", new BatchExecuteStatementCommand({ ...target, Sqls: Array(41).fill("select 1") })],
  ["statement over 100 KB", new ExecuteStatementCommand({ ...target, Sql: `select '${"x".repeat(100 * 1024)}'` })],
  ["workgroup and cluster", new ExecuteStatementCommand({ ...target, ClusterIdentifier: "c1", Sql: "select 1" })],
  ["neither workgroup nor cluster", new ExecuteStatementCommand({ Database: "dev", Sql: "select 1" })],
  ["missing database", new ExecuteStatementCommand({ WorkgroupName: "wg", Sql: "select 1" })],
  ["malformed Id", new DescribeStatementCommand({ Id: "not-a-statement-id" })],
];
for (const [name, command] of validationCases) {
  await check(`ValidationException (400): ${name}`, async () => {
    const e = await expectError(client.send(command), "ValidationException", 400);
    assert.ok(e instanceof ValidationException);
  });
}

await check("ResourceNotFoundException (404) with ResourceId: unknown Id", async () => {
  const e = await expectError(client.send(new DescribeStatementCommand({ Id: "11111111-2222-4333-8444-555555555555" })), "ResourceNotFoundException", 404);
  assert.ok(e instanceof ResourceNotFoundException);
  assert.equal(e.ResourceId, "11111111-2222-4333-8444-555555555555");
});

await check("InvalidSignatureException (403): wrong secret", async () => {
  const bad = new RedshiftDataClient({ region: "us-east-1", endpoint, maxAttempts: 1, credentials: { ...credentials, secretAccessKey: "wrong" } });
  await expectError(bad.send(new ListStatementsCommand({})), "InvalidSignatureException", 403);
});

await check("UnrecognizedClientException (403): unknown access key", async () => {
  const bad = new RedshiftDataClient({ region: "us-east-1", endpoint, maxAttempts: 1, credentials: { ...credentials, accessKeyId: "AKIDUNKNOWN" } });
  await expectError(bad.send(new ListStatementsCommand({})), "UnrecognizedClientException", 403);
});

await check("UnknownOperationException (400): unknown operation", async () => {
  const c = withMiddleware((r) => { r.headers["x-amz-target"] = "RedshiftData.NoSuchOperation"; });
  await expectError(c.send(new ListStatementsCommand({})), "UnknownOperationException", 400);
});

await check("SerializationException (400): malformed JSON", async () => {
  const c = withMiddleware((r) => { r.body = '{"Id":'; r.headers["content-length"] = String(Buffer.byteLength(r.body)); });
  await expectError(c.send(new DescribeStatementCommand({ Id: "11111111-2222-4333-8444-555555555555" })), "SerializationException", 400);
});

async function setFaults(body) {
  const r = await admin("/_emulator/faults", { method: "POST", body: JSON.stringify(body) });
  assert.equal(r.status, 200);
}

await check("ThrottlingException (400, Rate exceeded) is retried by the client, then surfaces", async () => {
  await setFaults({ throttleRate: 1 });
  try {
    const retrying = new RedshiftDataClient({ region: "us-east-1", endpoint, credentials, maxAttempts: 2 });
    const e = await expectError(retrying.send(new ListStatementsCommand({})), "ThrottlingException", 400);
    assert.equal(e.message, "Rate exceeded");
    assert.equal(e.$fault, "client");
    assert.equal(e.$metadata.attempts, 2);
  } finally { await setFaults({}); }
});

await check("InternalServerException (500) is parsed as the modelled exception", async () => {
  await setFaults({ errorRate: 1 });
  try {
    const e = await expectError(client.send(new ListStatementsCommand({})), "InternalServerException", 500);
    assert.ok(e instanceof InternalServerException);
    assert.equal(e.$fault, "server");
  } finally { await setFaults({}); }
  await client.send(new ListStatementsCommand({}));
});

await check("BatchExecuteStatement with Parameters: bound in every statement, a quote-breaking value stored intact", async () => {
  const hostile = "x'); DROP TABLE conf_params; --";
  const s = await client.send(new BatchExecuteStatementCommand({
    ...target, StatementName: `${run}-params`,
    Sqls: ["create table conf_params (d date, note text)", "insert into conf_params values (:run_date::date, :note)",
      "insert into conf_params select d + 1, note || '!' from conf_params where note = :note", "select d::text, note from conf_params order by d"],
    Parameters: [{ name: "run_date", value: "2026-12-01" }, { name: "note", value: hostile }],
  }));
  const d = await waitForEnd(s.Id);
  assert.equal(d.Status, "FINISHED", d.Error);
  const r = await client.send(new GetStatementResultCommand({ Id: `${s.Id}:4` }));
  assert.deepEqual(r.Records.map((row) => [row[0].stringValue, row[1].stringValue]), [["2026-12-01", hostile], ["2026-12-02", `${hostile}!`]]);
  const listed = await client.send(new ListStatementsCommand({ StatementName: `${run}-params`, Status: "ALL" }));
  assert.deepEqual(listed.Statements[0].QueryParameters, [{ name: "run_date", value: "2026-12-01" }, { name: "note", value: hostile }]);
});

await check("ValidationException (400): a batch parameter no statement uses", async () => {
  const e = await expectError(client.send(new BatchExecuteStatementCommand({
    ...target, Sqls: ["select :a", "select 2"], Parameters: [{ name: "a", value: "1" }, { name: "unused", value: "2" }],
  })), "ValidationException", 400);
  assert.ok(e instanceof ValidationException);
  assert.match(e.message, /unused/);
});

await check("ActiveStatementsExceededException (400) beyond Emulator:MaxActiveStatements on one workgroup, not on another", async () => {
  assert.ok(cap > 0, "run.sh sets EMULATOR_CAP");
  const full = { Database: "dev", WorkgroupName: `${run}-full` };
  const ids = [];
  try {
    for (let i = 0; i < cap; i++) ids.push((await client.send(new ExecuteStatementCommand({ ...full, Sql: "/* emulator: sleep=600 */ select 1" }))).Id);
    const e = await expectError(client.send(new BatchExecuteStatementCommand({ ...full, Sqls: ["select 1"] })), "ActiveStatementsExceededException", 400);
    assert.ok(e instanceof ActiveStatementsExceededException);
    assert.equal(e.$fault, "client");
    await client.send(new ExecuteStatementCommand({ ...target, Sql: "select 1" }));
    const limits = await (await admin("/_emulator/limits")).json();
    const mine = limits.targets.find((t) => t.workgroupName === full.WorkgroupName);
    assert.equal(mine.peakActive, cap);
    assert.equal(mine.refused, 1);
  } finally {
    for (const id of ids) await client.send(new CancelStatementCommand({ Id: id }));
  }
  await client.send(new ExecuteStatementCommand({ ...full, Sql: "select 1" }));
});

await check("ThrottlingException (400, Rate exceeded) beyond Emulator:Quotas:GetStatementResultV2 calls in a second", async () => {
  assert.ok(v2Quota > 0, "run.sh sets EMULATOR_V2_QUOTA");
  // 2 x quota + 1 calls at once: however they straddle a second boundary, one second holds more than the quota.
  const calls = await Promise.allSettled(Array.from({ length: 2 * v2Quota + 1 },
    () => client.send(new GetStatementResultV2Command({ Id: "11111111-2222-4333-8444-555555555555" }))));
  const throttled = calls.filter((c) => c.status === "rejected" && c.reason.name === "ThrottlingException");
  assert.ok(throttled.length >= 1, `no ThrottlingException among ${calls.map((c) => c.reason?.name).join(", ")}`);
  const e = throttled[0].reason;
  assert.ok(e instanceof RedshiftDataServiceException);
  assert.equal(e.message, "Rate exceeded");
  assert.equal(e.$metadata.httpStatusCode, 400);
  assert.ok(calls.every((c) => c.status === "rejected" && ["ThrottlingException", "ResourceNotFoundException"].includes(c.reason.name)));
  const limits = await (await admin("/_emulator/limits")).json();
  assert.equal(limits.operations.find((o) => o.operation === "GetStatementResultV2").throttled, throttled.length);
});

await check("/_emulator/* refuses unsigned requests; /_emulator/health answers", async () => {
  for (const path of ["/_emulator/statements", "/_emulator/limits"]) {
    const r = await fetch(new URL(path, endpoint));
    assert.equal(r.status, 400, path);
    assert.equal((await r.json()).__type, "MissingAuthenticationTokenException");
  }
  const f = await fetch(new URL("/_emulator/faults", endpoint), { method: "POST", headers: { "content-type": "application/json" }, body: '{"errorRate":1}' });
  assert.equal(f.status, 400);
  await client.send(new ListStatementsCommand({}));
  assert.equal((await fetch(new URL("/_emulator/health", endpoint))).status, 200);
});

console.log(`checks: ${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
