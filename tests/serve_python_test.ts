// The official Python client (python3-kubernetes) against `serve`.
import assert from "node:assert/strict";
import { ConfigMap, createRuntime } from "../mod.ts";
import { serve } from "../src/server/server.ts";

/** A Python with the Kubernetes client: the one on PATH, else Debian's (python3-kubernetes). */
function pythonWithClient(): string | undefined {
  for (const python of ["python3", "/usr/bin/python3"]) {
    try {
      const r = new Deno.Command(python, { args: ["-c", "import kubernetes"], stderr: "null" })
        .outputSync();
      if (r.success) return python;
    } catch { /* not there */ }
  }
  const why =
    "skipped: the Python Kubernetes client is not installed (apt-get install python3-kubernetes)";
  if (Deno.env.get("CI") === "true") throw new Error(why);
  console.log(why);
  return undefined;
}

const PYTHON = pythonWithClient();

const SCRIPT = `
import sys, json
from kubernetes import client, watch
from kubernetes.client.rest import ApiException
cfg = client.Configuration()
cfg.host = sys.argv[1]
cfg.api_key = {"authorization": "Bearer " + sys.argv[2]}
api = client.CoreV1Api(client.ApiClient(cfg))
out = {}
made = api.create_namespaced_config_map("default", client.V1ConfigMap(metadata=client.V1ObjectMeta(name="py"), data={"a": "1"}))
out["created"] = made.metadata.name
try:
    api.create_namespaced_config_map("default", {"metadata": {"name": "py"}})
except ApiException as e:
    out["dup"] = [e.status, json.loads(e.body)["reason"]]
api.patch_namespaced_config_map("py", "default", {"data": {"b": "2"}})
out["listed"] = [(i.metadata.name, i.data) for i in api.list_namespaced_config_map("default").items]
events = []
for ev in watch.Watch().stream(api.list_namespaced_config_map, "default", resource_version=made.metadata.resource_version, timeout_seconds=2):
    events.append([ev["type"], ev["object"].metadata.name])
out["events"] = events
api.delete_namespaced_config_map("py", "default")
print(json.dumps(out))
`;

Deno.test({
  name: "python3-kubernetes: create, conflict, patch, list, watch, delete against serve",
  ignore: PYTHON === undefined,
  async fn() {
    await using rt = await createRuntime({ store: "memory:" });
    await using server = await serve(rt, { port: 0, token: "py-token" });
    const out = await new Deno.Command(PYTHON!, {
      args: ["-c", SCRIPT, server.url, "py-token"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const err = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, err);
    const got = JSON.parse(new TextDecoder().decode(out.stdout));
    assert.equal(got.created, "py");
    assert.deepEqual(got.dup, [409, "AlreadyExists"]);
    assert.deepEqual(got.listed, [["py", { a: "1", b: "2" }]]);
    assert.deepEqual(got.events, [["MODIFIED", "py"]]);
    assert.equal((await rt.client.list(ConfigMap, { namespace: "default" })).items.length, 0);
  },
});
