#!/usr/bin/env python3
"""Policy check of rendered Kubernetes manifests (`kubectl kustomize <overlay>` output).

    check_k8s.py OVERLAY_NAME RENDERED.yaml

What must hold for every workload (Deployment, StatefulSet, DaemonSet, CronJob, Job):
  containers have CPU and memory requests and limits; long-running containers (not Jobs or
  CronJobs) have liveness and readiness probes (and the platform's services a startup probe, with
  readiness on /ready — the gateway's on /health, as its /ready aggregates the upstreams — and
  liveness on /health); pods run as non-root with a read-only root file system, no privilege
  escalation and all capabilities dropped (the logging DaemonSet and Elasticsearch/Kibana are the
  listed exceptions); every image is pinned (no `latest`, no missing tag) in production; every
  secretKeyRef names a key of the Secret template k8s/secrets.yaml and every configMapKeyRef a key
  of a rendered ConfigMap; every platform Deployment has a PodDisruptionBudget and an HPA; every
  Service selects some pod; a default-deny NetworkPolicy exists; the Ingress has TLS.
Also a light schema check: apiVersion/kind/metadata.name present, known kinds only, ports are
integers, label selectors match the pod template labels.
"""
import os
import sys

import yaml

overlay, path = sys.argv[1], sys.argv[2]
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
docs = [d for d in yaml.safe_load_all(open(path)) if d]
secret_keys = set(yaml.safe_load(open(os.path.join(ROOT, "k8s/secrets.yaml")))["stringData"])
PLATFORM = {"api-gateway", "user-service", "vehicle-service", "credit-service", "payment-service",
            "telematics-service", "support-service", "frontend"}
ROOT_ALLOWED = {"fluent-bit"}                       # reads the nodes' log files
RW_ROOT_ALLOWED = {"fluent-bit", "elasticsearch", "kibana"}
KINDS = {"Namespace", "ConfigMap", "Secret", "Service", "Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job",
         "PersistentVolumeClaim", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy", "Ingress",
         "ClusterIssuer", "ServiceAccount", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"}
errors = []


def err(obj, msg):
    errors.append(f"{overlay}: {obj.get('kind')}/{obj.get('metadata', {}).get('name')}: {msg}")


configmaps = {}
for d in docs:
    for k in ("apiVersion", "kind", "metadata"):
        if k not in d:
            errors.append(f"{overlay}: object without {k}: {str(d)[:80]}")
    if d.get("kind") not in KINDS:
        err(d, "unexpected kind")
    if not d.get("metadata", {}).get("name"):
        err(d, "no metadata.name")
    if d.get("kind") == "ConfigMap":
        configmaps[d["metadata"]["name"]] = set((d.get("data") or {}).keys())


def pod_spec(d):
    k = d["kind"]
    if k in ("Deployment", "StatefulSet", "DaemonSet"):
        return d["spec"]["template"]
    if k == "CronJob":
        return d["spec"]["jobTemplate"]["spec"]["template"]
    if k == "Job":
        return d["spec"]["template"]
    return None


pod_labels = []
workloads = {}
for d in docs:
    tpl = pod_spec(d)
    if tpl is None:
        continue
    name = d["metadata"]["name"]
    workloads[(d["kind"], name)] = d
    labels = tpl.get("metadata", {}).get("labels", {})
    pod_labels.append((d["metadata"].get("namespace"), labels))
    sel = d["spec"].get("selector", {}).get("matchLabels")
    if sel and any(labels.get(k) != v for k, v in sel.items()):
        err(d, f"selector {sel} does not match the pod labels {labels}")
    spec = tpl["spec"]
    psc = spec.get("securityContext", {})
    for c in spec.get("containers", []):
        cname = c["name"]
        res = c.get("resources", {})
        for part in ("requests", "limits"):
            for r in ("cpu", "memory"):
                if r not in res.get(part, {}):
                    err(d, f"container {cname}: no {part}.{r}")
        if d["kind"] not in ("CronJob", "Job"):  # run to completion: nothing to probe
            for p in ("livenessProbe", "readinessProbe"):
                if p not in c:
                    err(d, f"container {cname}: no {p}")
        if name in PLATFORM and name != "frontend":
            if "startupProbe" not in c:
                err(d, f"container {cname}: no startupProbe")
            # The gateway's /ready aggregates every upstream's /ready: as its readiness probe, one
            # service's outage would take every gateway pod out of the Service. It uses /health.
            want = "/health" if name == "api-gateway" else "/ready"
            if c.get("readinessProbe", {}).get("httpGet", {}).get("path") != want:
                err(d, f"readiness must be GET {want}")
            if c.get("livenessProbe", {}).get("httpGet", {}).get("path") != "/health":
                err(d, "liveness must be GET /health")
        csc = c.get("securityContext", {})
        if name not in ROOT_ALLOWED and not (csc.get("runAsNonRoot") or psc.get("runAsNonRoot")):
            err(d, f"container {cname}: runAsNonRoot not set")
        if csc.get("allowPrivilegeEscalation") is not False:
            err(d, f"container {cname}: allowPrivilegeEscalation must be false")
        if name not in RW_ROOT_ALLOWED and csc.get("readOnlyRootFilesystem") is not True:
            err(d, f"container {cname}: readOnlyRootFilesystem must be true")
        if name not in ROOT_ALLOWED and "ALL" not in csc.get("capabilities", {}).get("drop", []):
            err(d, f"container {cname}: capabilities must drop ALL")
        image = c.get("image", "")
        tag = image.rsplit(":", 1)[1] if ":" in image.rsplit("/", 1)[-1] else ""
        if overlay == "production" and (not tag or tag == "latest" or tag.endswith("-latest")):
            err(d, f"container {cname}: image {image} is not pinned to a version")
        for p in c.get("ports", []):
            if not isinstance(p.get("containerPort"), int):
                err(d, f"container {cname}: containerPort {p.get('containerPort')!r} is not an integer")
        for e in c.get("env", []):
            ref = e.get("valueFrom", {})
            if "secretKeyRef" in ref:
                s = ref["secretKeyRef"]
                if s["name"] != "rto-secrets" or s["key"] not in secret_keys:
                    err(d, f"env {e['name']}: secret {s['name']}/{s['key']} is not in k8s/secrets.yaml")
            if "configMapKeyRef" in ref:
                m = ref["configMapKeyRef"]
                if m["key"] not in configmaps.get(m["name"], set()):
                    err(d, f"env {e['name']}: ConfigMap {m['name']} has no key {m['key']}")
    for v in spec.get("volumes", []):
        if "secret" in v:
            for item in v["secret"].get("items", []):
                if item["key"] not in secret_keys:
                    err(d, f"volume {v['name']}: secret key {item['key']} is not in k8s/secrets.yaml")

kinds_by_name = {}
for d in docs:
    kinds_by_name.setdefault(d["kind"], set()).add(d["metadata"]["name"])
for name in PLATFORM:
    if ("Deployment", name) not in workloads:
        errors.append(f"{overlay}: no Deployment {name}")
        continue
    if name not in kinds_by_name.get("PodDisruptionBudget", set()):
        errors.append(f"{overlay}: Deployment {name} has no PodDisruptionBudget")
    if name not in kinds_by_name.get("HorizontalPodAutoscaler", set()):
        errors.append(f"{overlay}: Deployment {name} has no HorizontalPodAutoscaler")
for d in docs:
    if d["kind"] == "Service":
        sel = d["spec"].get("selector", {})
        ns = d["metadata"].get("namespace")
        if sel and not any(n == ns and all(l.get(k) == v for k, v in sel.items()) for n, l in pod_labels):
            err(d, f"selector {sel} matches no pod")
        for p in d["spec"].get("ports", []):
            if not isinstance(p.get("port"), int):
                err(d, f"port {p.get('port')!r} is not an integer")
    if d["kind"] == "HorizontalPodAutoscaler":
        ref = d["spec"]["scaleTargetRef"]
        if (ref["kind"], ref["name"]) not in workloads:
            err(d, f"scales {ref['kind']}/{ref['name']}, which does not exist")
    if d["kind"] == "Ingress" and not d["spec"].get("tls"):
        err(d, "no TLS")
    if d["kind"] == "Secret":
        err(d, "a Secret is rendered: secrets must come from scripts/generate-secrets.sh, not the manifests")
if "default-deny" not in kinds_by_name.get("NetworkPolicy", set()):
    errors.append(f"{overlay}: no default-deny NetworkPolicy")
if not any(d["kind"] == "Service" and d["spec"].get("type") == "LoadBalancer" and
           {5055, 5023, 5027} <= {p["port"] for p in d["spec"]["ports"]} for d in docs):
    errors.append(f"{overlay}: the tracker ports 5055/5023/5027 are not exposed by a LoadBalancer Service")

for e in errors:
    print(f"check-k8s: {e}", file=sys.stderr)
print(f"check-k8s: {overlay}: {len(docs)} objects, {len(workloads)} workloads; "
      f"{'FAILED with ' + str(len(errors)) + ' problem(s)' if errors else 'ok'}")
sys.exit(1 if errors else 0)
