// Validates every object of rendered manifests against the Kubernetes schemas
// (kubernetes-models: the OpenAPI schemas of Kubernetes 1.x, plus cert-manager's CRDs).
//   node validate.mjs RENDERED.yaml...
// Unknown fields are not flagged by these models; wrong types, missing required fields and
// bad enum values are. Run by tests/deploy/check.sh when the packages are installed
// (npm ci --prefix tests/deploy/k8s-schema).
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const groups = {
  "v1": "kubernetes-models/v1",
  "apps/v1": "kubernetes-models/apps/v1",
  "batch/v1": "kubernetes-models/batch/v1",
  "policy/v1": "kubernetes-models/policy/v1",
  "autoscaling/v2": "kubernetes-models/autoscaling/v2",
  "networking.k8s.io/v1": "kubernetes-models/networking.k8s.io/v1",
  "rbac.authorization.k8s.io/v1": "kubernetes-models/rbac.authorization.k8s.io/v1",
  "cert-manager.io/v1": "@kubernetes-models/cert-manager/cert-manager.io/v1",
};
let count = 0, failed = 0;
for (const file of process.argv.slice(2)) {
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    const obj = doc.toJS();
    if (!obj) continue;
    const where = `${file}: ${obj.kind}/${obj.metadata?.name}`;
    const mod = groups[obj.apiVersion];
    if (!mod) { console.error(`${where}: no schema for apiVersion ${obj.apiVersion}`); failed++; continue; }
    const models = await import(mod);
    const Model = models[obj.kind];
    if (!Model) { console.error(`${where}: no schema for kind ${obj.kind} in ${obj.apiVersion}`); failed++; continue; }
    try {
      new Model(obj).validate();
      count++;
    } catch (e) {
      failed++;
      console.error(`${where}: ${e.message}`);
    }
  }
}
console.log(`k8s-schema: ${count} objects valid, ${failed} invalid`);
process.exit(failed ? 1 : 0);
