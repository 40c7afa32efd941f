#!/usr/bin/env python3
"""The API abuse matrix: hostile requests against every route the gateway exposes.

Generated from the OpenAPI documents (docs/api/*.yaml) and the gateway's route table
(services/api-gateway/routes.json). For every operation it sends missing and wrongly typed
fields, numbers out of range, strings over their length, unknown fields, malformed JSON, wrong
content types, missing/expired/garbage/foreign tokens, every role against the staff routes and
another customer's ids (BOLA); then the OWASP API Security Top 10 (2023) checks that fit this
API: excessive data exposure, mass assignment, resource consumption (page sizes, body sizes,
rate limits), server-side request forgery and security headers.

Every answer must be: never a 5xx; a 4xx among the operation's documented statuses (plus the
gateway's own 401/413/429); application/problem+json on every 4xx; the field named (errors[].field)
where one field is at fault; no hash, secret, refresh token or unmasked national id in any body.

Usage:
  E2E_GATEWAY_URL=http://127.0.0.1:18080 E2E_SECRETS_FILE=.data/test/secrets.env \
      python3 tests/abuse/matrix.py [--route PREFIX] [--list] [--verbose]

Known defects that cannot be fixed here are listed, each with its reason, in
tests/abuse/known_findings.json: they are reported as "known" instead of failing the run.
"""
import argparse
import base64
import glob
import hashlib
import hmac
import http.client
import http.server
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
KNOWN_FILE = os.path.join(ROOT, "tests", "abuse", "known_findings.json")
ROLES = ["customer", "dealer", "agent", "credit_officer", "support_agent", "admin"]  # rto::auth::kRoles
STAFF = {"admin", "credit_officer", "support_agent"}
# Statuses the gateway itself may answer on any routed path (docs/api/gateway.yaml).
GATEWAY_STATUSES = {413, 429}
# Every operation that takes a JSON body answers 415 to a body sent as anything else
# (rto::http::json_body; docs/security.md, "Request bodies").
JSON_BODY_STATUSES = {415}
SECURITY_HEADERS = {  # gateway.yaml: "Security headers on every API answer"
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
}
SECRET_KEYS = {"password", "password_hash", "passwordhash", "secret", "api_key", "apikey", "refresh_token",
               "token_hash", "secret_hash", "private_key", "national_id", "pin", "otp"}
HUGE = "A" * 100_000
TEMPLATE_UGX = "5e3d0001-0000-4000-8000-000000000001"  # seeded motorcycle-daily-18m

# ----------------------------------------------------------------------------------------------
# HTTP


class Reply:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body
        self._json = None

    @property
    def ctype(self):
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def json(self):
        if self._json is None:
            try:
                self._json = json.loads(self.body.decode("utf-8", "replace") or "null")
            except ValueError:
                self._json = False
        return self._json

    def text(self, n=300):
        return self.body[:n].decode("utf-8", "replace")


class Client:
    """Plain http.client, paced under the gateway's rate limits (429 is waited out and retried)."""

    def __init__(self, base):
        u = urllib.parse.urlparse(base)
        self.host, self.port = u.hostname, u.port or 80
        self.last = 0.0
        self.last_token = {}
        self.last_auth = 0.0
        self.count = 0

    def _pace(self, path, token):
        now = time.monotonic()
        wait = self.last + 1 / 40 - now
        if token:
            wait = max(wait, self.last_token.get(token, 0) + 1 / 18 - now)
        if path.startswith("/api/v1/auth"):
            wait = max(wait, self.last_auth + 1 / 4.5 - now)
        if wait > 0:
            time.sleep(wait)
        now = time.monotonic()
        self.last = now
        if token:
            self.last_token[token] = now
        if path.startswith("/api/v1/auth"):
            self.last_auth = now

    def raw(self, method, path, body=None, headers=None, retry429=True, pace=True):
        headers = dict(headers or {})
        token = None
        auth = headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            token = auth[7:]
        for attempt in range(6):
            if pace:
                self._pace(path, token)
            conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            try:
                conn.request(method, path, body=body, headers=headers)
                r = conn.getresponse()
                data = r.read()
                hdrs = {}
                for k, v in r.getheaders():
                    hdrs[k.lower()] = v if k.lower() not in hdrs else hdrs[k.lower()] + ", " + v
                rep = Reply(r.status, hdrs, data)
            except (ConnectionError, socket.timeout, http.client.HTTPException) as e:
                rep = Reply(599, {}, ("connection failed: %s" % e).encode())
            finally:
                conn.close()
            self.count += 1
            if rep.status == 429 and retry429 and attempt < 5:
                time.sleep(min(5, int(rep.headers.get("retry-after", "1") or 1)))
                continue
            return rep
        return rep

    def call(self, method, path, body=None, token=None, headers=None, **kw):
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + token
        data = None
        if body is not None:
            if isinstance(body, (bytes, bytearray)):
                data = bytes(body)
            elif isinstance(body, str):
                data = body.encode()
            else:
                data = json.dumps(body).encode()
                h.setdefault("Content-Type", "application/json")
        elif method in ("POST", "PUT", "PATCH"):
            data = b""
        return self.raw(method, path, data, h, **kw)


# ----------------------------------------------------------------------------------------------
# Tokens made here: expired, garbage, alg=none, a service token (another audience)


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def read_secrets(path):
    out = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                k, v = line.split("=", 1)
                out[k] = v
    return out


def der_to_raw(sig):
    # ECDSA DER (SEQUENCE of two INTEGERs) → r||s, 32 bytes each (JWS ES256)
    assert sig[0] == 0x30
    i = 2 if sig[1] < 0x80 else 2 + (sig[1] & 0x7F)
    out = b""
    for _ in range(2):
        assert sig[i] == 0x02
        n = sig[i + 1]
        v = sig[i + 2:i + 2 + n].lstrip(b"\0")
        out += v.rjust(32, b"\0")
        i += 2 + n
    return out


def es256_token(secrets, claims):
    kid, key = secrets["JWT_PRIVATE_KEY"].split(":", 1)
    header = {"alg": "ES256", "typ": "JWT", "kid": kid}
    signing = (b64u(json.dumps(header).encode()) + "." + b64u(json.dumps(claims).encode())).encode()
    with tempfile.TemporaryDirectory() as d:
        kf = os.path.join(d, "k.der")
        with open(kf, "wb") as f:
            f.write(base64.b64decode(key))
        os.chmod(kf, 0o600)
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", kf, "-keyform", "DER"], input=signing,
                             capture_output=True, check=True).stdout
    return signing.decode() + "." + b64u(der_to_raw(sig))


def hs256_token(secret, claims):
    signing = (b64u(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + "." +
               b64u(json.dumps(claims).encode())).encode()
    return signing.decode() + "." + b64u(hmac.new(secret.encode(), signing, hashlib.sha256).digest())


def bad_tokens(secrets, user_id):
    now = int(time.time())
    base = {"iss": "rto", "sub": user_id, "typ": "access", "roles": ["customer", "admin"], "jti": str(uuid.uuid4())}
    toks = {"garbage token": "not.a.jwt"}
    try:
        toks["expired token"] = es256_token(secrets, dict(base, iat=now - 7200, exp=now - 3600))
    except Exception as e:  # openssl missing: still run the rest
        print("matrix: cannot sign an expired token (%s)" % e, file=sys.stderr)
    toks["alg=none token"] = (b64u(b'{"alg":"none","typ":"JWT"}') + "." +
                              b64u(json.dumps(dict(base, iat=now, exp=now + 600)).encode()) + ".")
    if secrets.get("SERVICE_TOKEN_SECRET"):
        toks["service token (other audience)"] = hs256_token(
            secrets["SERVICE_TOKEN_SECRET"],
            {"iss": "rto", "sub": "payment", "typ": "service", "aud": "user", "iat": now, "exp": now + 600,
             "jti": str(uuid.uuid4())})
    return toks


# ----------------------------------------------------------------------------------------------
# OpenAPI


class Spec:
    def __init__(self, path):
        self.file = os.path.basename(path)
        self.service = self.file.replace("-service.yaml", "").replace(".yaml", "")
        with open(path) as f:
            self.doc = yaml.safe_load(f)

    def res(self, s, depth=0):
        while isinstance(s, dict) and "$ref" in s and depth < 20:
            x = self.doc
            for p in s["$ref"].lstrip("#/").split("/"):
                x = x[p]
            s, depth = x, depth + 1
        return s

    def schema(self, s):
        """A schema with $ref and allOf folded into one object schema."""
        s = self.res(s) or {}
        if "allOf" in s:
            out = {"type": "object", "properties": {}, "required": []}
            for part in s["allOf"]:
                p = self.schema(part)
                out["properties"].update(p.get("properties") or {})
                out["required"] += p.get("required") or []
                if p.get("additionalProperties") is False:
                    out["additionalProperties"] = False
            return out
        return s


def type_of(s):
    t = s.get("type")
    if isinstance(t, list):
        t = [x for x in t if x != "null"]
        t = t[0] if t else None
    if not t:
        if "properties" in s:
            return "object"
        if "enum" in s and s["enum"]:
            return {str: "string", int: "integer", bool: "boolean"}.get(type(s["enum"][0]), None)
        for k in ("oneOf", "anyOf"):
            for alt in s.get(k) or []:
                if isinstance(alt, dict) and alt.get("type"):
                    return type_of(alt)
    return t


def sample(spec, s, name="", depth=0):
    s = spec.schema(s)
    for k in ("example", "default"):
        if k in s and s[k] is not None:
            return s[k]
    if s.get("examples"):
        ex = s["examples"]
        return ex[0] if isinstance(ex, list) else list(ex.values())[0]
    if s.get("enum"):
        return s["enum"][0]
    t = type_of(s)
    fmt = s.get("format", "")
    if t == "string":
        if fmt == "uuid":
            return str(uuid.uuid4())
        if fmt == "date":
            return "2025-01-15"
        if fmt == "date-time":
            return "2025-01-15T10:00:00Z"
        if fmt == "email":
            return "rider@example.com"
        n = max(s.get("minLength", 0), 6)
        v = ("sample-" + name)[:max(n, 12)]
        if s.get("maxLength"):
            v = v[:s["maxLength"]]
        return v.ljust(n, "x")
    if t == "integer":
        return max(s.get("minimum", 1), 1) if s.get("maximum", 1) >= 1 else s.get("minimum", 0)
    if t == "number":
        return s.get("minimum", 1)
    if t == "boolean":
        return True
    if t == "array":
        if depth > 4:
            return []
        return [sample(spec, s.get("items") or {}, name, depth + 1) for _ in range(s.get("minItems", 0) or 0)]
    if t == "object" or "properties" in s:
        if depth > 4:
            return {}
        props = s.get("properties") or {}
        return {k: sample(spec, props[k], k, depth + 1) for k in (s.get("required") or []) if k in props}
    return "x"


def staff_only_paths(spec, s, where="$", depth=0, out=None):
    """JSON paths of the response properties the document marks "staff (view) only"."""
    out = [] if out is None else out
    s = spec.schema(s)
    if depth > 5:
        return out
    for alt in (s.get("oneOf") or []) + (s.get("anyOf") or []):
        staff_only_paths(spec, alt, where, depth + 1, out)
    if type_of(s) == "array":
        return staff_only_paths(spec, s.get("items") or {}, where + "[]", depth + 1, out)
    for k, v in (s.get("properties") or {}).items():
        raw = spec.res(v) or {}
        desc = (v.get("description") if isinstance(v, dict) else "") or raw.get("description") or ""
        if re.search(r"\bstaff (view|only)\b", desc, re.I) and "dealer" not in desc.lower():
            out.append(where + "." + k)
        else:
            staff_only_paths(spec, v, where + "." + k, depth + 1, out)
    return out


def values_at(j, path):
    parts = re.findall(r"\.(\w+)|(\[\])", path[1:])
    cur = [j]
    for name, arr in parts:
        nxt = []
        for c in cur:
            if arr and isinstance(c, list):
                nxt += c
            elif name and isinstance(c, dict) and name in c:
                nxt.append(c[name])
        cur = nxt
    return cur


def wrong_value(s):
    t = type_of(s)
    return {"string": 12345, "integer": "not-a-number", "number": "not-a-number", "boolean": "yes",
            "object": "not-an-object", "array": "not-an-array"}.get(t, {"unexpected": [1, 2]})


class Op:
    def __init__(self, spec, path, method, op, item):
        self.spec, self.path, self.method, self.op = spec, path, method.upper(), op
        self.key = "%s %s" % (self.method, path)
        self.summary = op.get("summary") or ""
        self.responses = {str(k) for k in (op.get("responses") or {})}
        self.params = [spec.res(p) for p in (item.get("parameters") or []) + (op.get("parameters") or [])]
        self.body_schema, self.body_types = None, []
        rb = spec.res(op.get("requestBody")) if op.get("requestBody") else None
        self.body_required = bool(rb and rb.get("required"))
        if rb:
            self.body_types = list((rb.get("content") or {}).keys())
            c = (rb.get("content") or {}).get("application/json")
            if c is not None:
                self.body_schema = spec.schema(c.get("schema") or {})
                self.body_example = c.get("example")
        sec = op.get("security", spec.doc.get("security"))
        self.public = sec is not None and (sec == [] or {} in sec)
        self.device_token = bool(sec) and any("deviceToken" in x for x in sec)

    def documented(self, status):
        return str(status) in self.responses or "%dXX" % (status // 100) in self.responses

    def doc_4xx(self):
        return {int(x) for x in self.responses if x.isdigit() and 400 <= int(x) < 500}

    def allowed_roles(self):
        """Roles named in the summary's parentheses, e.g. "(admin, credit_officer)"; None if none."""
        s = self.summary
        m = re.search(r"\(([^()]*)\)\s*(—.*)?$", s) or re.search(r"\(([^()]*)\)", s)
        text = m.group(1) if m else ""
        if "admins only" in s:
            return {"admin"}
        if not m:
            return None
        if "owner" in text or "dealer" in text or "the plan's customer" in text or "its customer" in text \
                or "the customer of" in text:
            return None  # object-level access: the BOLA cases
        head = text.split(";")[0]
        rest = re.sub(r"\b(%s|staff|and|or)\b|[,:\s]" % "|".join(ROLES), "", head)
        if rest:
            return None  # not a list of roles: "(current versions)", "(a customer for themself; ...)"
        if head.strip().startswith("staff"):
            named = {r for r in ROLES if re.search(r"\b%s\b" % r, head)}
            return named or set(STAFF)
        named = {r for r in ROLES if re.search(r"\b%s\b" % r, head)}
        return named or None


def load_ops(routes):
    ops = []
    for f in sorted(glob.glob(os.path.join(ROOT, "docs", "api", "*.yaml"))):
        if f.endswith("gateway.yaml"):
            continue
        spec = Spec(f)
        for path, item in (spec.doc.get("paths") or {}).items():
            if path.startswith("/internal") or not any(path == r["prefix"] or path.startswith(r["prefix"] + "/")
                                                        for r in routes):
                continue
            for m, op in item.items():
                if m in ("get", "post", "put", "patch", "delete"):
                    ops.append(Op(spec, path, m, op, item))
    return ops


def route_of(routes, path):
    best = None
    for r in routes:
        if path == r["prefix"] or path.startswith(r["prefix"] + "/"):
            if not best or len(r["prefix"]) > len(best["prefix"]):
                best = r
    return best


def edge_public(route, method):
    return route.get("public") is True or method in (route.get("public_methods") or [])


# ----------------------------------------------------------------------------------------------
# The world: accounts and objects made through the API


class World:
    def __init__(self, api, secrets):
        self.api, self.secrets = api, secrets
        self.ids = {}
        self.tokens = {}
        self.nids = []
        self.notes = []
        self.bola_owner = []

    def unique_phone(self):
        return "+25677%07d" % random.randint(0, 9_999_999)

    def nid(self):
        n = "CM" + uuid.uuid4().hex[:12].upper()
        self.nids.append(n)
        return n

    def register(self, name="Test Rider"):
        phone, pw = self.unique_phone(), "Rider-" + uuid.uuid4().hex[:10]
        r = self.api.call("POST", "/api/v1/auth/register", {"phone": phone, "password": pw, "full_name": name})
        if r.status != 201:
            raise RuntimeError("register failed: %d %s" % (r.status, r.text()))
        j = r.json()
        return {"id": j["user"]["id"], "phone": phone, "password": pw, "token": j["tokens"]["access_token"],
                "refresh": j["tokens"]["refresh_token"]}

    def login(self, phone, pw):
        r = self.api.call("POST", "/api/v1/auth/login", {"phone": phone, "password": pw})
        if r.status != 200:
            raise RuntimeError("login failed: %d %s" % (r.status, r.text()))
        return r.json()["access_token"]

    def with_role(self, role):
        a = self.register("Staff " + role)
        r = self.api.call("PUT", "/api/v1/users/%s/roles" % a["id"], {"roles": [role]}, self.admin)
        if r.status != 200:
            raise RuntimeError("roles failed: %d %s" % (r.status, r.text()))
        a["token"] = self.login(a["phone"], a["password"])
        return a

    def verified(self, name):
        a = self.register(name)
        a["nid"] = self.nid()
        r = self.api.call("PUT", "/api/v1/users/me/kyc",
                          {"national_id": a["nid"], "date_of_birth": "1990-04-12",
                           "address": "Plot 12, Jinja Road, Kampala",
                           "next_of_kin": {"name": "Sarah Namukasa", "phone": "0701234567",
                                           "relationship": "sister"}}, a["token"])
        if r.status != 200:
            raise RuntimeError("kyc failed: %d %s" % (r.status, r.text()))
        r = self.api.call("POST", "/api/v1/users/%s/kyc/verify" % a["id"], {}, self.admin)
        if r.status != 200:
            raise RuntimeError("kyc verify failed: %d %s" % (r.status, r.text()))
        return a

    def listing(self):
        tag = uuid.uuid4().hex[:8].upper()
        return {"category": "motorcycle", "make": "TVS", "model": "HLX 125", "year": 2024, "condition": "new",
                "fuel": "petrol", "engine_cc": 150, "mileage_km": 0, "colour": "red", "vin": "MD2A" + tag + "123456",
                "registration": "UMA" + tag[:4], "price": {"amount": 4_800_000, "currency": "UGX"},
                "location": {"city": "Kampala", "branch": "Kawempe", "latitude": 0.3476, "longitude": 32.5825},
                "description": "Ready for boda work, with tracker.", "tracker_ready": True}

    def vehicle(self, dealer, approve=True):
        r = self.api.call("POST", "/api/v1/vehicles", self.listing(), dealer["token"])
        if r.status != 201:
            raise RuntimeError("listing failed: %d %s" % (r.status, r.text()))
        vid = r.json()["id"]
        if not approve:
            return vid, None
        png = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
        img = self.api.call("POST", "/api/v1/vehicles/%s/images" % vid, png, dealer["token"],
                            headers={"Content-Type": "image/png"})
        image_id = img.json().get("id") if img.status == 201 and img.json() else None
        self.api.call("POST", "/api/v1/vehicles/%s/submit" % vid, {}, dealer["token"])
        r = self.api.call("POST", "/api/v1/vehicles/%s/approve" % vid, {}, self.admin)
        if r.status != 200:
            raise RuntimeError("approve failed: %d %s" % (r.status, r.text()))
        return vid, image_id

    def application(self, cust, vid):
        income = 1_800_000
        body = {"vehicle_id": vid, "template_id": TEMPLATE_UGX, "employment_type": "boda_rider",
                "months_in_work": 48, "monthly_income": {"amount": income, "currency": "UGX"},
                "monthly_obligations": {"amount": income // 18, "currency": "UGX"},
                "mobile_money": {"months_of_history": 30, "avg_monthly_inflow": income * 17 // 18,
                                 "avg_monthly_transactions": 90},
                "dependants": 1, "months_at_residence": 60,
                "guarantor": {"name": "Moses Okello", "phone": "0772123456", "relationship": "brother",
                              "national_id": self.nid()},
                "references": [{"name": "Ruth Achieng", "phone": "0752123456"},
                               {"name": "Peter Mugisha", "phone": "0701987654"}]}
        r = self.api.call("POST", "/api/v1/credit/applications", body, cust["token"])
        if r.status >= 300:
            raise RuntimeError("application failed: %d %s" % (r.status, r.text()))
        return r.json()

    def build(self):
        api = self.api
        self.admin = self.login(self.secrets["ADMIN_PHONE"], self.secrets["ADMIN_PASSWORD"])
        self.tokens["admin"] = self.admin
        me = api.call("GET", "/api/v1/users/me", token=self.admin).json()
        self.ids["admin_id"] = me["id"]
        self.a = self.verified("Alice Victim")
        self.b = self.verified("Bob Attacker")
        self.tokens["customer"] = self.a["token"]
        self.dealer = self.with_role("dealer")
        self.dealer2 = self.with_role("dealer")
        for role in ("agent", "credit_officer", "support_agent"):
            self.tokens[role] = self.with_role(role)["token"]
        self.tokens["dealer"] = self.dealer["token"]
        self.throwaway = self.register("Throwaway Account")
        ids = self.ids
        ids["user_a"], ids["user_b"], ids["throwaway"] = self.a["id"], self.b["id"], self.throwaway["id"]
        ids["vehicle_a"], ids["image_a"] = self.vehicle(self.dealer)
        ids["draft"], _ = self.vehicle(self.dealer, approve=False)
        ids["draft2"], _ = self.vehicle(self.dealer, approve=False)
        app = self.application(self.a, ids["vehicle_a"])
        ids["application_a"] = app["id"]
        dec = app.get("decision") or {}
        ids["decision_a"] = dec.get("id")
        ids["plan_a"] = None
        if dec.get("decision") == "approved":
            pct = (dec.get("terms") or {}).get("min_deposit_percent", 15)
            deposit = max(4_800_000 * 15 // 100, (4_800_000 * pct + 99) // 100)
            deposit = (deposit + 99) // 100 * 100
            r = api.call("POST", "/api/v1/plans", {"credit_decision_id": dec["id"], "vehicle_id": ids["vehicle_a"],
                                                   "template_id": TEMPLATE_UGX,
                                                   "deposit": {"amount": deposit, "currency": "UGX"}}, self.a["token"])
            if r.status == 201:
                ids["plan_a"] = r.json()["id"]
                ids["plan_ref_a"] = r.json().get("reference")
                ids["deposit_a"] = deposit
            else:
                self.notes.append("plan not signed: %d %s" % (r.status, r.text()))
        else:
            self.notes.append("application of A not approved: %s" % json.dumps(dec)[:200])
        ids["payment_a"] = None
        if ids["plan_a"]:
            r = api.call("POST", "/api/v1/payments", {"plan_id": ids["plan_a"], "amount": {"amount": ids["deposit_a"],
                                                                                          "currency": "UGX"},
                                                      "provider": "mtn_momo", "phone": self.a["phone"]},
                         self.a["token"], headers={"Idempotency-Key": str(uuid.uuid4())})
            if r.status < 300 and r.json():
                ids["payment_a"] = r.json().get("id")
            else:
                self.notes.append("payment not requested: %d %s" % (r.status, r.text()))
        r = api.call("POST", "/api/v1/support/tickets", {"category": "payment_dispute", "subject": "Deposit not shown",
                                                         "description": "I paid the deposit by MTN."}, self.a["token"])
        ids["ticket_a"] = r.json().get("id") if r.status == 201 else None
        if not ids["ticket_a"]:
            self.notes.append("ticket not opened: %d %s" % (r.status, r.text()))
        self.internal_note = "staff-only remark " + uuid.uuid4().hex[:8]
        if ids["ticket_a"]:
            r = api.call("POST", "/api/v1/support/tickets/%s/comments" % ids["ticket_a"],
                         {"body": self.internal_note, "internal": True}, self.admin)
            if r.status != 201:
                self.notes.append("internal comment not added: %d %s" % (r.status, r.text()))
        ids["notification_a"] = None
        for _ in range(10):  # events reach the inbox asynchronously
            r = api.call("GET", "/api/v1/support/notifications", token=self.a["token"])
            items = (r.json() or {}).get("items") if isinstance(r.json(), dict) else None
            if items:
                ids["notification_a"] = items[0].get("id")
                break
            time.sleep(0.5)
        imei = luhn("35%012d" % random.randint(0, 10 ** 12 - 1))
        r = api.call("POST", "/api/v1/telematics/trackers", {"imei": imei, "protocol": "osmand",
                                                              "phone": "+256772%06d" % random.randint(0, 999999),
                                                              "model": "GT06N"}, self.admin)
        ids["tracker"] = r.json().get("id") if r.status == 201 else None
        if not ids["tracker"]:
            self.notes.append("tracker not registered: %d %s" % (r.status, r.text()))
        imei = luhn("35%012d" % random.randint(0, 10 ** 12 - 1))
        r = api.call("POST", "/api/v1/telematics/trackers", {"imei": imei, "protocol": "http",
                                                              "phone": "+256772%06d" % random.randint(0, 999999),
                                                              "model": "Integration"}, self.admin)
        ids["http_tracker"] = r.json().get("id") if r.status == 201 else None
        if ids["http_tracker"]:
            r = api.call("POST", "/api/v1/telematics/trackers/%s/install" % ids["http_tracker"],
                         {"vehicle_id": ids["vehicle_a"]}, self.admin)
            if r.status != 200:
                self.notes.append("http tracker not installed: %d %s" % (r.status, r.text()))
            r = api.call("POST", "/api/v1/telematics/trackers/%s/token" % ids["http_tracker"], {}, self.admin)
            if r.status == 201:
                self.tokens["device"] = r.json().get("token")
        if not self.tokens.get("device"):
            self.notes.append("no device token: %d %s" % (r.status, r.text()))
        r = api.call("POST", "/api/v1/telematics/geofences",
                     {"name": "Kampala yard", "kind": "yard",
                      "circle": {"center": {"lat": 0.3476, "lng": 32.5825}, "radius_m": 500}}, self.admin)
        ids["geofence"] = r.json().get("id") if r.status == 201 else None
        r = api.call("GET", "/api/v1/credit/models", token=self.admin)
        items = r.json() if isinstance(r.json(), list) else (r.json() or {}).get("items", []) if r.json() else []
        ids["model_version"] = items[0].get("version") if items else 1


def luhn(digits):
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return digits + str((10 - total % 10) % 10)


# Which caller, and which of its objects, a route's validation cases use: the route's own user.
def actor_for(op):
    p, m = op.path, op.method
    if op.device_token:
        return "device"
    if p == "/api/v1/vehicles/mine":
        return "dealer"
    if p.startswith("/api/v1/vehicles") and m != "GET" and not re.search(r"/(approve|reject|status)$", p):
        return "dealer"
    roles = op.allowed_roles()
    if roles is not None and "customer" not in roles:
        return "admin" if "admin" in roles else sorted(roles)[0]
    if re.search(r"/users/\{id\}|/users$|/plans$|/plans/portfolio|/credit/(review-queue|models)|/payments/(review|approvals)"
                 r"|/telematics/(trackers|fleet|geofences)|/support/(agents|templates|sms)|/tickets/\{id\}/(status|assign)"
                 r"|/plan-templates", p) and not (m == "GET" and p.startswith("/api/v1/plan-templates")):
        return "admin"
    return "customer"


def path_values(op, w, who):
    """Real ids for the path parameters: the caller's own objects (or throwaway ones for staff)."""
    ids = w.ids if w else {}
    p = op.path
    val = {}
    for name in re.findall(r"\{(\w+)\}", p):
        v = None
        if p.startswith("/api/v1/users/{id}"):
            v = ids.get("throwaway")
        elif p.startswith("/api/v1/vehicles/{id}"):
            v = ids.get("draft") if op.method != "GET" else ids.get("vehicle_a")
            if name == "image_id":
                v = ids.get("image_a")
                if op.method != "GET":
                    v = str(uuid.uuid4())
        elif p.startswith("/api/v1/credit/applications/{id}"):
            v = ids.get("application_a")
        elif p.startswith("/api/v1/credit/models/{version}"):
            v = ids.get("model_version")
        elif p.startswith("/api/v1/plans/{id}"):
            v = ids.get("plan_a")
        elif p.startswith("/api/v1/payments/{id}"):
            v = ids.get("payment_a")
        elif p.startswith("/api/v1/plan-templates/{id}"):
            v = TEMPLATE_UGX if op.method == "GET" else str(uuid.uuid4())
        elif p.startswith("/api/v1/support/tickets/{id}"):
            v = ids.get("ticket_a") if name == "id" else str(uuid.uuid4())
        elif p.startswith("/api/v1/support/notifications/{id}"):
            v = ids.get("notification_a")
        elif p.startswith("/api/v1/support/templates"):
            v = "welcome" if name == "kind" else "en"
        elif p.startswith("/api/v1/telematics/trackers/{id}"):
            v = ids.get("tracker")
        elif p.startswith("/api/v1/telematics/vehicles/{id}"):
            v = ids.get("vehicle_a")
        elif p.startswith("/api/v1/telematics/geofences/{id}"):
            v = ids.get("geofence")
        elif "callbacks/{id}" in p or "commands/{id}" in p:
            v = 999999
        elif name == "provider":
            v = "mtn_momo"
        val[name] = str(v) if v is not None else str(uuid.uuid4())
    return val


def fill(op, w, who, query=None):
    path = op.path
    for k, v in path_values(op, w, who).items():
        path = path.replace("{%s}" % k, urllib.parse.quote(v, safe=""))
    if query:
        path += "?" + urllib.parse.urlencode(query)
    return path


def base_body(op):
    if op.body_schema is None:
        return None
    if isinstance(getattr(op, "body_example", None), dict):
        b = json.loads(json.dumps(op.body_example))
    else:
        b = sample(op.spec, op.body_schema)
        b = b if isinstance(b, dict) else {}
    if op.path.startswith("/api/v1/plan-templates"):  # the seeded daily template's terms, inactive
        b = {"slug": "abuse-" + uuid.uuid4().hex[:8], "name": "Abuse matrix template", "category": "motorcycle",
             "currency": "UGX", "frequency": "daily", "instalment_count": 546, "min_deposit_bps": 1500,
             "pricing": "flat_markup", "rate_bps": 3500, "grace_days": 1,
             "late_fee": {"kind": "percent", "percent_bps": 500, "cap": 5000}, "lock_after_days": 3,
             "rounding_unit": 100, "payoff_discount_bps": 10000, "active": False}
    if op.path in ("/api/v1/auth/register", "/api/v1/auth/login") and "phone" in b:
        b["phone"] = "+25677%07d" % random.randint(0, 9_999_999)  # a number nobody has: no 409, no lockout
    return b


# ----------------------------------------------------------------------------------------------
# Cases


class Case:
    def __init__(self, op_key, service, name, run, check="validation", field=None):
        self.op_key, self.service, self.name, self.run, self.check, self.field = \
            op_key, service, name, run, check, field


def names_field(rep, field):
    j = rep.json()
    if not isinstance(j, dict):
        return False
    for e in j.get("errors") or []:
        f = str(e.get("field", "")) if isinstance(e, dict) else ""
        if f == field or f.startswith(field + ".") or f.startswith(field + "[") or f.endswith("." + field):
            return True
    return False


def gen_cases(ops, routes, w_holder):
    cases = []
    W = lambda: w_holder[0]  # noqa: E731  (the world exists only when running)

    for op in ops:
        route = route_of(routes, op.path)
        public = edge_public(route, op.method) or op.public
        who = actor_for(op)
        svc = op.spec.service

        def tok(role, W=W):
            return W().tokens.get(role) if W() else None

        # -- validation of the JSON body
        if op.body_schema is not None and (op.body_schema.get("properties") or op.body_required):
            props = op.body_schema.get("properties") or {}
            req = [r for r in (op.body_schema.get("required") or []) if r in props]
            closed = op.body_schema.get("additionalProperties") is False

            def send(mut, ctype="application/json", raw=None, op=op, who=who):
                def run(api):
                    b = base_body(op)
                    if raw is not None:
                        data = raw
                    else:
                        mut(b)
                        data = json.dumps(b)
                    h = {"Content-Type": ctype}
                    if op.path == "/api/v1/payments" and op.method == "POST":
                        h["Idempotency-Key"] = str(uuid.uuid4())
                    return api.call(op.method, fill(op, W(), who), data.encode() if isinstance(data, str) else data,
                                    tok(who), headers=h)
                return run

            for f in req:
                cases.append(Case(op.key, svc, "missing %s" % f, send(lambda b, f=f: b.pop(f, None)), field=f))
            for f, s in props.items():
                s = op.spec.schema(s)
                if s.get("readOnly"):
                    continue
                cases.append(Case(op.key, svc, "wrong type %s" % f,
                                  send(lambda b, f=f, s=s: b.__setitem__(f, wrong_value(s))), field=f))
                t = type_of(s)
                if t in ("integer", "number"):
                    if "minimum" in s:
                        cases.append(Case(op.key, svc, "%s below minimum" % f,
                                          send(lambda b, f=f, s=s: b.__setitem__(f, s["minimum"] - 1)), field=f))
                    if "maximum" in s:
                        cases.append(Case(op.key, svc, "%s above maximum" % f,
                                          send(lambda b, f=f, s=s: b.__setitem__(f, s["maximum"] + 1)), field=f))
                    cases.append(Case(op.key, svc, "%s huge number" % f,
                                      send(lambda b, f=f: b.__setitem__(f, 10 ** 30)), field=f))
                if t == "string" and not s.get("enum"):
                    if s.get("maxLength"):
                        cases.append(Case(op.key, svc, "%s over maxLength" % f,
                                          send(lambda b, f=f, s=s: b.__setitem__(f, "x" * (s["maxLength"] + 1))),
                                          field=f))
                    cases.append(Case(op.key, svc, "%s 100 KB string" % f,
                                      send(lambda b, f=f: b.__setitem__(f, HUGE)), field=f))
                if s.get("enum"):
                    cases.append(Case(op.key, svc, "%s not in enum" % f,
                                      send(lambda b, f=f: b.__setitem__(f, "no-such-value")), field=f))
            # one level down: objects such as price, location, next_of_kin, monthly_income
            for f, s in props.items():
                s = op.spec.schema(s)
                sub = s.get("properties") or {}
                if type_of(s) != "object" or not sub:
                    continue

                def nested(f, fn, s=s):
                    def mut(b):
                        if not isinstance(b.get(f), dict):
                            b[f] = sample(op.spec, s, f)
                        fn(b[f])
                    return mut
                for c in [c for c in (s.get("required") or []) if c in sub]:
                    cases.append(Case(op.key, svc, "missing %s.%s" % (f, c),
                                      send(nested(f, lambda o, c=c: o.pop(c, None))), field="%s.%s" % (f, c)))
                for c, cs in sub.items():
                    cs = op.spec.schema(cs)
                    cases.append(Case(op.key, svc, "wrong type %s.%s" % (f, c),
                                      send(nested(f, lambda o, c=c, cs=cs: o.__setitem__(c, wrong_value(cs)))),
                                      field="%s.%s" % (f, c)))
            if closed:
                cases.append(Case(op.key, svc, "unknown field", send(lambda b: b.__setitem__("zz_unknown", 1)),
                                  field="zz_unknown"))
            cases.append(Case(op.key, svc, "malformed JSON", send(None, raw='{"a": 1,,')))
            cases.append(Case(op.key, svc, "JSON array body", send(None, raw="[1, 2, 3]")))
            cases.append(Case(op.key, svc, "wrong Content-Type (text/plain)",
                              send(lambda b: None, ctype="text/plain")))

        # -- form bodies (provider webhooks): required fields and enums, and no JSON
        form = None
        if "application/x-www-form-urlencoded" in op.body_types:
            rb = op.spec.res(op.op.get("requestBody"))
            form = op.spec.schema(rb["content"]["application/x-www-form-urlencoded"].get("schema") or {})
        if form and form.get("properties"):
            fprops = form["properties"]

            def form_send(mut, op=op, who=who, fprops=fprops, form=form, ctype="application/x-www-form-urlencoded"):
                def run(api):
                    b = {k: str(sample(op.spec, fprops[k], k)) for k in form.get("required") or []}
                    mut(b)
                    return api.call(op.method, fill(op, W(), who), urllib.parse.urlencode(b).encode(), None,
                                    headers={"Content-Type": ctype})
                return run
            for f in form.get("required") or []:
                cases.append(Case(op.key, svc, "form: missing %s" % f, form_send(lambda b, f=f: b.pop(f, None)),
                                  field=f))
            for f, fs in fprops.items():
                if op.spec.schema(fs).get("enum"):
                    cases.append(Case(op.key, svc, "form: %s not in enum" % f,
                                      form_send(lambda b, f=f: b.__setitem__(f, "no-such-value")), field=f))
                cases.append(Case(op.key, svc, "form: %s 10 KB string" % f,
                                  form_send(lambda b, f=f: b.__setitem__(f, "A" * 10_000))))
            cases.append(Case(op.key, svc, "form: a JSON body instead",
                              form_send(lambda b: None, ctype="application/json")))

        # -- image bodies: anything but the image types is refused
        if op.body_types and all(t.startswith("image/") for t in op.body_types):
            def img(ctype, data, op=op, who=who):
                return lambda api: api.call(op.method, fill(op, W(), who), data, tok(who),
                                            headers={"Content-Type": ctype})
            cases.append(Case(op.key, svc, "image: JSON body", img("application/json", b'{"a":1}')))
            cases.append(Case(op.key, svc, "image: text claimed to be a PNG", img("image/png", b"not an image" * 10)))
            cases.append(Case(op.key, svc, "image: an SVG (script-capable) body",
                              img("image/svg+xml", b'<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>')))
            cases.append(Case(op.key, svc, "image: empty body", img("image/png", b"")))

        # -- query parameters
        for prm in op.params:
            if prm.get("in") != "query":
                continue
            s = op.spec.schema(prm.get("schema") or {})
            n = prm["name"]
            t = type_of(s)

            qwho = "admin" if "staff only" in (prm.get("description") or "") else who

            def q(value, op=op, who=qwho, n=n):
                return lambda api: api.call(op.method, fill(op, W(), who, {n: value}), None, tok(who))
            if t == "integer":
                cases.append(Case(op.key, svc, "query %s=abc" % n, q("abc"), field=n))
                if "maximum" in s:
                    cases.append(Case(op.key, svc, "query %s over maximum (%d)" % (n, s["maximum"] + 1),
                                      q(s["maximum"] + 1), check="resource consumption", field=n))
                if "minimum" in s:
                    cases.append(Case(op.key, svc, "query %s below minimum" % n, q(s["minimum"] - 1), field=n))
            elif s.get("enum"):
                cases.append(Case(op.key, svc, "query %s not in enum" % n, q("no-such-value"), field=n))
            elif s.get("format") in ("uuid", "date", "date-time") or t == "boolean":
                cases.append(Case(op.key, svc, "query %s malformed" % n, q("not-valid-%s" % n), field=n))
            elif t == "string" and s.get("maxLength"):
                cases.append(Case(op.key, svc, "query %s over maxLength" % n, q("x" * (s["maxLength"] + 1)), field=n))

        # -- a malformed id in the path
        for name in re.findall(r"\{(\w+)\}", op.path):
            prm = next((p for p in op.params if p.get("name") == name and p.get("in") == "path"), {})
            s = op.spec.schema(prm.get("schema") or {})
            if s.get("format") == "uuid" or type_of(s) == "integer":
                def bad_id(api, op=op, who=who, name=name):
                    vals = path_values(op, W(), who)
                    vals[name] = "not-an-id'--"
                    path = op.path
                    for k, v in vals.items():
                        path = path.replace("{%s}" % k, urllib.parse.quote(v, safe=""))
                    b = base_body(op)
                    return api.call(op.method, path, b, tok(who))
                cases.append(Case(op.key, svc, "malformed path %s" % name, bad_id, check="path"))

        # -- tokens
        if not public or op.device_token:
            for tname in ["no token", "garbage token", "expired token", "alg=none token",
                          "service token (other audience)"]:
                def t_run(api, op=op, tname=tname, who=who):
                    t = W().bad_tokens.get(tname) if tname != "no token" else None
                    if tname != "no token" and t is None:
                        return None
                    return api.call(op.method, fill(op, W(), who), base_body(op), t)
                cases.append(Case(op.key, svc, tname, t_run, check="authentication"))

        # -- every role against staff routes
        allowed = op.allowed_roles()
        if allowed is not None and not op.public and not (allowed >= set(ROLES)):
            for role in ROLES:
                if role in allowed or (role == "admin"):
                    continue
                if role == "agent" and allowed == STAFF:
                    continue  # "staff" routes: whether field agents count is the service's choice
                def r_run(api, op=op, role=role, who=who):
                    h = {}
                    if op.path == "/api/v1/payments":
                        h["Idempotency-Key"] = str(uuid.uuid4())
                    return api.call(op.method, fill(op, W(), who), base_body(op), tok(role), headers=h)
                cases.append(Case(op.key, svc, "role %s" % role, r_run, check="roles"))
    return cases


def bola_cases(ops_by_key):
    """Customer B (or dealer 2) asks for customer A's (or dealer 1's) objects."""
    spec = [
        # (op key, path template filler, id key, attacker, body)
        ("GET /api/v1/credit/applications/{id}", "application_a", "b", None),
        ("POST /api/v1/credit/applications/{id}/withdraw", "application_a", "b", {}),
        ("GET /api/v1/plans/{id}", "plan_a", "b", None),
        ("GET /api/v1/plans/{id}/payoff-quote", "plan_a", "b", None),
        ("GET /api/v1/plans/{id}/ownership-certificate", "plan_a", "b", None),
        ("GET /api/v1/plans/{id}/payments", "plan_a", "b", None),
        ("GET /api/v1/payments/{id}", "payment_a", "b", None),
        ("GET /api/v1/support/tickets/{id}", "ticket_a", "b", None),
        ("POST /api/v1/support/tickets/{id}/comments", "ticket_a", "b", {"body": "mine now"}),
        ("POST /api/v1/support/tickets/{id}/rating", "ticket_a", "b", {"rating": 1}),
        ("POST /api/v1/support/tickets/{id}/status", "ticket_a", "b", {"status": "closed"}),
        ("POST /api/v1/support/notifications/{id}/read", "notification_a", "b", None),
        ("GET /api/v1/telematics/vehicles/{id}/position", "vehicle_a", "b", None),
        ("GET /api/v1/telematics/vehicles/{id}/track", "vehicle_a", "b", None),
        ("GET /api/v1/telematics/vehicles/{id}/lock", "vehicle_a", "b", None),
        ("GET /api/v1/telematics/vehicles/{id}/trips", "vehicle_a", "b", None),
        ("GET /api/v1/telematics/vehicles/{id}/usage", "vehicle_a", "b", None),
        ("GET /api/v1/users/{id}", "user_a", "b", None),
        ("GET /api/v1/users/{id}/kyc", "user_a", "b", None),
        ("GET /api/v1/vehicles/{id}", "draft", "b", None),
        ("GET /api/v1/vehicles/{id}", "draft", "dealer2", None),
        ("PATCH /api/v1/vehicles/{id}", "draft", "dealer2", {"colour": "blue"}),
        ("POST /api/v1/vehicles/{id}/submit", "draft", "dealer2", {}),
        ("GET /api/v1/vehicles/{id}/history", "draft", "dealer2", None),
        ("PUT /api/v1/vehicles/{id}/images/order", "vehicle_a", "dealer2", {"image_ids": []}),
        ("POST /api/v1/plans/{id}/cash-payments", "plan_a", "b", {"amount": {"amount": 1000, "currency": "UGX"},
                                                                   "receipt_number": "R-1"}),
    ]
    cases = []
    for key, idk, attacker, body in spec:
        op = ops_by_key.get(key)
        if not op:
            continue

        def run(api, op=op, idk=idk, attacker=attacker, body=body):
            w = WORLD[0]
            oid = w.ids.get(idk)
            if not oid:
                return None
            path = re.sub(r"\{id\}", oid, op.path)
            if op.method == "GET":  # the owner sees it: the refusal below is about the caller, not the id
                owner = w.dealer["token"] if attacker == "dealer2" or idk == "draft" else w.a["token"]
                o = api.call("GET", path, token=owner)
                w.bola_owner.append("%s %s: owner %d" % (op.method, op.path, o.status))
            t = {"b": w.b["token"], "dealer2": w.dealer2["token"]}[attacker]
            return api.call(op.method, path, body, t)
        c = Case(op.key, op.spec.service, "BOLA: %s asks for %s" % ("customer B" if attacker == "b" else "dealer 2",
                                                                   idk), run, check="BOLA")
        c.bola_id = idk
        cases.append(c)
    return cases


WORLD = [None]

# ----------------------------------------------------------------------------------------------
# Checks applied to every answer


def exposure(rep, path, w):
    """Keys that must never appear, and national ids shown unmasked."""
    out = []
    j = rep.json()
    if j is False or j is None:
        body = rep.body.decode("utf-8", "replace")
    else:
        body = json.dumps(j)
    auth_answer = path.split("?")[0] in ("/api/v1/auth/login", "/api/v1/auth/register", "/api/v1/auth/refresh")

    def walk(x, where):
        if isinstance(x, dict):
            for k, v in x.items():
                kl = k.lower()
                if kl in SECRET_KEYS and not (auth_answer and kl == "refresh_token") and v not in (None, ""):
                    out.append("key %r in the answer (%s)" % (k, where))
                walk(v, where + "." + k)
        elif isinstance(x, list):
            for i, v in enumerate(x[:200]):
                walk(v, where + "[%d]" % i)
    if j:
        walk(j, "$")
    if w:
        for n in w.nids:
            if n in body:
                out.append("unmasked national id %s in the answer" % n)
        for pw in filter(None, [getattr(w, "a", {}).get("password") if hasattr(w, "a") else None,
                                w.secrets.get("ADMIN_PASSWORD")]):
            if pw in body:
                out.append("a password in the answer")
    return out


def check_reply(case, op, rep, path, public_edge, w):
    """Problems with one answer, as (check, message) pairs."""
    fails = []
    if rep.status >= 500:
        if not (rep.status == 503 and op and op.documented(503)):
            fails.append(("no 5xx", "%d %s" % (rep.status, rep.text(200))))
    if 400 <= rep.status < 500:
        if rep.ctype != "application/problem+json":
            fails.append(("problem+json", "%d with Content-Type %r" % (rep.status, rep.ctype)))
        if op is not None:
            ok = op.documented(rep.status) or rep.status in GATEWAY_STATUSES or \
                (rep.status in JSON_BODY_STATUSES and "application/json" in op.body_types) or \
                (rep.status == 401 and not public_edge) or not op.doc_4xx()
            if not ok:
                fails.append(("documented status", "%d not among %s" % (rep.status, sorted(op.responses))))
    if rep.status != 599:
        for h, want in SECURITY_HEADERS.items():
            got = rep.headers.get(h)
            if got is None or (h != "content-security-policy" and got.lower() != want.lower()) or \
                    (h == "content-security-policy" and "frame-ancestors 'none'" not in got):
                fails.append(("security headers", "%s: %r (want %r)" % (h, got, want)))
        srv = rep.headers.get("server", "")
        if re.search(r"\d", srv):
            fails.append(("security headers", "Server header tells the version: %r" % srv))
    for e in exposure(rep, path, w):
        fails.append(("data exposure", e))
    return fails


def expect(case, op, rep):
    """The case-specific expectation."""
    fails = []
    c = case.check
    s = rep.status
    if c == "authentication":
        if s != 401:
            fails.append((c, "%s: want 401, got %d %s" % (case.name, s, rep.text(150))))
    elif c == "roles":
        if s != 403 and not (s == 404 and not op.documented(403)):
            fails.append((c, "%s: want 403, got %d %s" % (case.name, s, rep.text(150))))
    elif c == "BOLA":
        if s < 400 or s not in (403, 404):
            fails.append((c, "%s: want 404 (or 403), got %d %s" % (case.name, s, rep.text(200))))
        w = WORLD[0]
        oid = w.ids.get(case.bola_id) or "-"
        body = rep.body.decode("utf-8", "replace")
        leaked = [x for x in (w.a.get("phone"), w.a.get("nid")) if x and x in body]
        if s >= 400 and oid in body and "instance" not in body:
            leaked.append("the object id")
        if leaked:
            fails.append((c, "%s: the answer carries A's data (%s)" % (case.name, ", ".join(leaked))))
    elif c in ("validation", "resource consumption", "path"):
        if s < 400:
            fails.append((c, "%s: accepted (%d %s)" % (case.name, s, rep.text(150))))
        elif case.field and s in (400, 422) and not names_field(rep, case.field):
            fails.append(("field named", "%s: %d without errors[].field %r: %s" % (case.name, s, case.field,
                                                                                   rep.text(250))))
        if c == "resource consumption" and s != 400 and s < 500:
            fails.append((c, "%s: want 400, got %d" % (case.name, s)))
        # JSON routes answer 415 (after the token, the role and the object are checked); provider
        # webhooks and device batches read their bodies as they come and refuse them as such.
        lenient = op.path.startswith(("/api/v1/webhooks/", "/api/v1/telematics/positions"))
        if case.name.startswith("wrong Content-Type") and s not in (401, 403, 404, 415) and not lenient:
            fails.append((c, "%s: want 415, got %d %s" % (case.name, s, rep.text(150))))
    return fails


# ----------------------------------------------------------------------------------------------
# Checks that are not per operation


def match_op(ops_by_key, method, path):
    path = path.split("?")[0]
    best = None
    for op in ops_by_key.values():
        if op.method != method:
            continue
        rx = "^" + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(op.path)) + "$"
        if re.match(rx, path) and (best is None or op.path.count("{") < best.path.count("{")):
            best = op
    return best


def burst(send, n, threads=6):
    """Up to n requests from a few threads at once, until one is answered 429.
    Returns every status seen and the 429 (or the last answer)."""
    lock, seen, stop = threading.Lock(), [], threading.Event()
    last = [None]
    counter = iter(range(n))

    def worker():
        while not stop.is_set():
            with lock:
                i = next(counter, None)
            if i is None:
                return
            r = send(i)
            with lock:
                seen.append(r.status)
                if r.status == 429 or last[0] is None or last[0].status != 429:
                    last[0] = r
            if r.status == 429:
                stop.set()
    ts = [threading.Thread(target=worker) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return seen, last[0]


def extra_cases(ops_by_key):
    X = []

    def add(key, name, fn, check):
        op = ops_by_key.get(key)
        X.append(Case(key, op.spec.service if op else "gateway", name, fn, check=check))

    def internal(api):
        r = api.call("GET", "/internal/users/%s" % WORLD[0].ids["user_a"])
        f = [] if r.status == 404 and r.ctype == "application/problem+json" else \
            [("internal not routed", "GET /internal/users/{id}: %d %s" % (r.status, r.text(120)))]
        r2 = api.call("POST", "/api/v1/../internal/payments", {"x": 1})
        if r2.status not in (400, 404):
            f.append(("internal not routed", "/api/v1/../internal/payments: %d" % r2.status))
        return f
    add("GATEWAY /internal/*", "/internal paths answer 404", internal, "gateway")

    # Mass assignment: fields the caller may not set are refused (400) or ignored (read back).
    def mass_profile(api):
        w = WORLD[0]
        f = []
        for extra in ({"roles": ["admin"]}, {"status": "active", "kyc_status": "verified"}, {"id": w.ids["user_b"]},
                      {"phone": "+256700000001"}):
            r = api.call("PATCH", "/api/v1/users/me", dict({"full_name": "Bob Attacker"}, **extra), w.b["token"])
            if r.status < 300:
                f.append(("mass assignment", "PATCH /users/me with %s accepted (%d)" % (list(extra), r.status)))
            elif r.status == 400 and not any(names_field(r, k) for k in extra):
                f.append(("field named", "PATCH /users/me with %s: 400 naming none of them: %s" % (list(extra),
                                                                                                    r.text(200))))
        me = api.call("GET", "/api/v1/users/me", token=w.b["token"]).json()
        if "admin" in (me.get("roles") or []):
            f.append(("mass assignment", "customer B became admin"))
        return f
    add("PATCH /api/v1/users/me", "mass assignment: roles, status, kyc_status, id, phone", mass_profile,
        "mass assignment")

    def mass_kyc(api):
        w = WORLD[0]
        body = {"national_id": w.nid(), "date_of_birth": "1990-04-12", "address": "Plot 1, Kampala",
                "next_of_kin": {"name": "Sarah N", "phone": "0701234567", "relationship": "sister"},
                "status": "verified"}
        t = w.throwaway["token"]
        r = api.call("PUT", "/api/v1/users/me/kyc", body, t)
        f = []
        if r.status < 300:
            k = api.call("GET", "/api/v1/users/me/kyc", token=t).json() or {}
            if k.get("status") == "verified":
                f.append(("mass assignment", "PUT /users/me/kyc with status verified: verified"))
        elif r.status == 400 and not names_field(r, "status"):
            f.append(("field named", "PUT /users/me/kyc status: %s" % r.text(200)))
        return f
    add("PUT /api/v1/users/me/kyc", "mass assignment: KYC status", mass_kyc, "mass assignment")

    def mass_vehicle(api):
        w = WORLD[0]
        f = []
        vid = w.ids["draft2"]
        for extra in ({"status": "available"}, {"dealer_id": w.dealer2["id"]}, {"id": str(uuid.uuid4())}):
            r = api.call("PATCH", "/api/v1/vehicles/%s" % vid, extra, w.dealer["token"])
            if r.status < 300:
                v = api.call("GET", "/api/v1/vehicles/%s" % vid, token=w.dealer["token"]).json() or {}
                if v.get("status") == "available" or v.get("dealer_id") == w.dealer2["id"]:
                    f.append(("mass assignment", "dealer PATCH %s took effect" % list(extra)))
            elif r.status == 400 and not names_field(r, list(extra)[0]):
                f.append(("field named", "PATCH /vehicles/{id} %s: %s" % (list(extra), r.text(200))))
        body = w.listing()
        body["dealer_id"] = w.dealer2["id"]
        r = api.call("POST", "/api/v1/vehicles", body, w.dealer["token"])
        if r.status < 300 and (r.json() or {}).get("dealer_id") == w.dealer2["id"]:
            f.append(("mass assignment", "a dealer created a listing in another dealer's name"))
        body = w.listing()
        body["status"] = "available"
        r = api.call("POST", "/api/v1/vehicles", body, w.dealer["token"])
        if r.status < 300 and (r.json() or {}).get("status") == "available":
            f.append(("mass assignment", "a dealer created an available listing, skipping review"))
        return f
    add("PATCH /api/v1/vehicles/{id}", "mass assignment: listing status, dealer_id, id", mass_vehicle,
        "mass assignment")

    def mass_ticket(api):
        w = WORLD[0]
        r = api.call("POST", "/api/v1/support/tickets", {"category": "other", "subject": "Hello", "description": "x y z",
                                                         "customer_id": w.ids["user_a"]}, w.b["token"])
        f = []
        if r.status < 300 and (r.json() or {}).get("customer_id") == w.ids["user_a"]:
            f.append(("mass assignment", "customer B opened a ticket in customer A's name"))
        return f
    add("POST /api/v1/support/tickets", "mass assignment: customer_id of another customer", mass_ticket,
        "mass assignment")

    def mass_register(api):
        w = WORLD[0]
        r = api.call("POST", "/api/v1/auth/register", {"phone": w.unique_phone(), "password": "Rider-xyz-123",
                                                       "full_name": "Mal Lory", "roles": ["admin"]})
        f = []
        if r.status < 300 and "admin" in json.dumps((r.json() or {}).get("user", {}).get("roles")):
            f.append(("mass assignment", "register with roles [admin] made an admin"))
        elif r.status == 400 and not names_field(r, "roles"):
            f.append(("field named", "register with roles: %s" % r.text(200)))
        return f
    add("POST /api/v1/auth/register", "mass assignment: roles at registration", mass_register, "mass assignment")

    # Lists: customer B's own lists never carry customer A's objects.
    def lists(api):
        w = WORLD[0]
        secrets_of_a = [w.a["phone"], w.a["nid"]] + [str(w.ids[k]) for k in
                                                     ("application_a", "plan_a", "payment_a", "ticket_a",
                                                      "notification_a", "user_a") if w.ids.get(k)]
        f = []
        for path in ("/api/v1/credit/applications/mine", "/api/v1/plans/mine", "/api/v1/support/tickets",
                     "/api/v1/support/notifications", "/api/v1/users/me", "/api/v1/users/me/kyc",
                     "/api/v1/support/tickets?customer_id=%s" % w.ids["user_a"],
                     "/api/v1/vehicles/mine", "/api/v1/support/sms?user_id=%s" % w.ids["user_a"]):
            r = api.call("GET", path, token=w.b["token"])
            if r.status >= 500:
                f.append(("no 5xx", "GET %s: %d" % (path, r.status)))
            body = r.body.decode("utf-8", "replace")
            leaked = [x for x in secrets_of_a if x in body and not (r.status >= 400 and x == w.ids["user_a"])]
            if leaked:
                f.append(("BOLA", "GET %s as customer B carries customer A's data: %s" % (path, leaked)))
            f += [("data exposure", "GET %s: %s" % (path, e)) for e in exposure(r, path, w)]
        # The owner's and staff's own views: masked national ids, no secrets there either.
        ids = w.ids
        views = [("/api/v1/users/me/kyc", w.a["token"]), ("/api/v1/users/me", w.a["token"]),
                 ("/api/v1/users/%s/kyc" % ids["user_a"], w.admin), ("/api/v1/users/%s" % ids["user_a"], w.admin),
                 ("/api/v1/users?q=Alice", w.admin),
                 ("/api/v1/credit/applications/%s" % ids["application_a"], w.a["token"]),
                 ("/api/v1/credit/applications/%s" % ids["application_a"], w.admin),
                 ("/api/v1/credit/applications/mine", w.a["token"]),
                 ("/api/v1/telematics/trackers/%s" % ids.get("http_tracker"), w.admin),
                 ("/api/v1/support/sms", w.admin)]
        for k in ("plan_a", "payment_a", "ticket_a"):
            if ids.get(k):
                base = {"plan_a": "/api/v1/plans/", "payment_a": "/api/v1/payments/",
                        "ticket_a": "/api/v1/support/tickets/"}[k]
                views += [(base + ids[k], w.a["token"]), (base + ids[k], w.admin)]
        views.append(("/api/v1/telematics/vehicles/%s/lock" % ids["vehicle_a"], w.a["token"]))
        for path, t in views:
            r = api.call("GET", path, token=t)
            if r.status >= 500:
                f.append(("no 5xx", "GET %s: %d" % (path, r.status)))
            f += [("data exposure", "GET %s: %s" % (path, e)) for e in exposure(r, path, w)]
            if t != w.a["token"] or r.status != 200 or not r.json():
                continue
            # Fields the documents keep for staff are not in the customer's own view.
            op = match_op(ops_by_key, "GET", path)
            if op is None:
                continue
            resp = (op.op.get("responses") or {}).get("200") or {}
            resp = op.spec.res(resp)
            schema = ((resp.get("content") or {}).get("application/json") or {}).get("schema")
            for sp in staff_only_paths(op.spec, schema or {}):
                got = [v for v in values_at(r.json(), sp) if v not in (None, [], {})]
                if got:
                    f.append(("data exposure", "GET %s as its customer shows the staff-only %s: %s" % (
                        path, sp, json.dumps(got)[:120])))
            if w.internal_note in r.body.decode("utf-8", "replace"):
                f.append(("data exposure", "GET %s as its customer shows an internal staff comment" % path))
        return f
    add("GET /api/v1/support/tickets", "BOLA: customer B's lists carry nothing of customer A", lists, "BOLA")

    # Identity headers sent by a client are dropped at the edge (gateway.yaml, "Identity").
    def spoof(api):
        w = WORLD[0]
        r = api.call("GET", "/api/v1/users/me", token=w.b["token"],
                     headers={"X-User-Id": w.ids["user_a"], "X-User-Roles": "admin", "X-Forwarded-User": w.ids["user_a"],
                              "X-Service-Name": "payment"})
        f = []
        if (r.json() or {}).get("id") != w.ids["user_b"]:
            f.append(("BOLA", "X-User-Id from the client was believed: %d %s" % (r.status, r.text(150))))
        r = api.call("GET", "/api/v1/users", token=w.b["token"], headers={"X-User-Roles": "admin"})
        if r.status != 403:
            f.append(("roles", "X-User-Roles: admin from a customer: %d" % r.status))
        r = api.call("GET", "/api/v1/users/me", headers={"X-User-Id": w.ids["user_a"], "X-User-Roles": "admin"})
        if r.status != 401:
            f.append(("authentication", "identity headers without a token: %d" % r.status))
        return f
    add("GET /api/v1/users/me", "client-sent X-User-Id, X-User-Roles are ignored", spoof, "BOLA")

    # Refresh tokens: another customer's cannot be revoked or used; an access token is no refresh token.
    def refresh(api):
        w = WORLD[0]
        f = []
        r = api.call("POST", "/api/v1/auth/logout", {"refresh_token": w.a["refresh"]}, w.b["token"])
        if r.status >= 300 and r.status not in (400, 401, 403, 404):
            f.append(("BOLA", "logout with another customer's refresh token: %d" % r.status))
        r = api.call("POST", "/api/v1/auth/refresh", {"refresh_token": w.a["refresh"]})
        if r.status != 200:
            f.append(("BOLA", "customer B's logout revoked customer A's refresh token: %d %s" % (r.status, r.text(150))))
        else:
            w.a["refresh"] = r.json().get("refresh_token", w.a["refresh"])
        r = api.call("POST", "/api/v1/auth/refresh", {"refresh_token": w.b["token"]})
        if r.status != 401:
            f.append(("authentication", "an access token taken as a refresh token: %d" % r.status))
        # A disabled account's access token no longer reaches its account.
        d = w.register("Disabled Later")
        r = api.call("POST", "/api/v1/users/%s/disable" % d["id"], {}, w.admin)
        if r.status == 200:
            r = api.call("GET", "/api/v1/users/me", token=d["token"])
            if r.status not in (401, 403):
                f.append(("authentication", "a disabled account's token still reads /users/me: %d" % r.status))
            r = api.call("POST", "/api/v1/auth/refresh", {"refresh_token": d["refresh"]})
            if r.status not in (401, 403):
                f.append(("authentication", "a disabled account's refresh token still works: %d" % r.status))
        else:
            f.append(("matrix", "could not disable an account: %d" % r.status))
        return f
    add("POST /api/v1/auth/refresh", "refresh tokens: another's, an access token, a disabled account's", refresh,
        "authentication")

    # Per signed-in user: 20/s, burst 60 (RATE_PER_USER_*): a burst of 120 meets 429.
    def per_user(api):
        w = WORLD[0]
        t = w.register("Rate Limited")["token"]
        seen, r = burst(lambda i: api.call("GET", "/api/v1/support/notifications/unread-count", token=t,
                                           retry429=False, pace=False), 150)
        time.sleep(int(r.headers.get("retry-after", "1") or 1) + 1)
        if 429 not in seen:
            return [("resource consumption", "150 requests of one user at once, no 429: %s" % sorted(set(seen)))]
        if r.ctype != "application/problem+json" or "retry-after" not in r.headers:
            return [("resource consumption", "429 without problem+json or Retry-After")]
        return []
    add("GET /api/v1/support/notifications/unread-count", "per-user rate limit: a burst meets 429", per_user,
        "resource consumption")

    # Unrestricted resource consumption: bodies over the gateway's limits.
    def bodies(api):
        w = WORLD[0]
        f = []
        for path, method, size, tok in (("/api/v1/users/me", "PATCH", 1024 * 1024 + 1, w.b["token"]),
                                        ("/api/v1/vehicles/%s/images" % w.ids["draft"], "POST", 6 * 1024 * 1024 + 1,
                                         w.dealer["token"]),
                                        ("/api/v1/webhooks/mtn_momo", "POST", 16 * 1024 + 1, None),
                                        ("/api/v1/webhooks/sms/africastalking", "POST", 16 * 1024 + 1, None)):
            h = {"Content-Type": "application/json"}
            if tok:
                h["Authorization"] = "Bearer " + tok
            r = api.raw(method, path, b"{" + b" " * (size - 2) + b"}", h)
            if r.status != 413:
                f.append(("resource consumption", "%s %s with %d bytes: want 413, got %d" % (method, path, size,
                                                                                             r.status)))
            if r.status == 413 and r.ctype != "application/problem+json":
                f.append(("problem+json", "413 as %r" % r.ctype))
        return f
    add("GATEWAY body limits", "bodies over the limit get 413", bodies, "resource consumption")

    # SSRF: any request field that could hold a URL.
    def ssrf(api):
        url_fields = []
        for key, op in ops_by_key.items():
            if op.body_schema is None:
                continue

            def scan(s, where, depth=0):
                s = op.spec.schema(s)
                for k, v in (s.get("properties") or {}).items():
                    v = op.spec.schema(v)
                    if re.search(r"url|uri|callback|webhook|href|link", k, re.I) or v.get("format") in ("uri", "url"):
                        url_fields.append((key, where + k))
                    if depth < 4:
                        scan(v, where + k + ".", depth + 1)
                        if type_of(v) == "array":
                            scan(v.get("items") or {}, where + k + "[].", depth + 1)
            scan(op.body_schema, "")
        hits = []

        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                hits.append(self.path)
                self.send_response(200)
                self.end_headers()
            do_POST = do_HEAD = do_GET

            def log_message(self, *a):
                pass
        srv = http.server.HTTPServer(("127.0.0.1", 0), H)
        th = threading.Thread(target=srv.serve_forever, daemon=True)
        th.start()
        target = "http://127.0.0.1:%d/ssrf" % srv.server_port
        w = WORLD[0]
        f = []
        if not url_fields:
            print("  SSRF: the API takes no URL in any request body (no field named *url*, *callback*, "
                  "*webhook*, *link* or of format uri)")
        for key, fld in url_fields:
            op = ops_by_key[key]
            b = base_body(op)
            if "." not in fld and "[" not in fld:
                b[fld] = target
            api.call(op.method, fill(op, w, actor_for(op)), b, w.tokens.get(actor_for(op)))
        # Fields that are strings anywhere: a URL in a ticket and a listing description is only text.
        api.call("POST", "/api/v1/support/tickets", {"category": "other", "subject": target,
                                                     "description": target + "/ticket"}, w.b["token"])
        api.call("PATCH", "/api/v1/vehicles/%s" % w.ids["draft2"], {"description": target + "/listing"},
                 w.dealer["token"])
        time.sleep(1.0)
        srv.shutdown()
        if hits:
            f.append(("SSRF", "the platform fetched user-supplied URLs: %s" % hits))
        return f
    add("GATEWAY SSRF", "no user-supplied URL is fetched", ssrf, "SSRF")

    # Security headers on an HTML answer and on the gateway's own 404.
    def headers(api):
        w = WORLD[0]
        f = []
        for path, tok in (("/api/v1/nope", None), ("/api/v1/users/me", w.a["token"]),
                          ("/api/v1/vehicles", None)):
            r = api.call("GET", path, token=tok)
            f += [x for x in check_reply(None, None, r, path, True, w) if x[0] == "security headers"]
        if w.ids.get("plan_a"):
            r = api.call("GET", "/api/v1/plans/%s/ownership-certificate" % w.ids["plan_a"], token=w.a["token"])
            if r.ctype == "text/html" and "frame-ancestors" not in r.headers.get("content-security-policy", ""):
                f.append(("security headers", "HTML without frame-ancestors"))
        return f
    add("GATEWAY security headers", "security headers on API, error and HTML answers", headers, "security headers")

    # Rate limits: repeated logins hit 429 (a throwaway phone; the admin is never used).
    def logins(api):
        w = WORLD[0]
        statuses, r = burst(lambda i: api.call("POST", "/api/v1/auth/login",
                                               {"phone": w.throwaway["phone"], "password": "wrong-%d" % i},
                                               retry429=False, pace=False), 100)
        if r.status == 429 and "retry-after" not in r.headers:
            return [("resource consumption", "429 without Retry-After")]
        time.sleep(int(r.headers.get("retry-after", "1") or 1) + 1)
        if 429 not in statuses:
            return [("resource consumption", "60 logins in a row, no 429: %s" % sorted(set(statuses)))]
        if 423 not in statuses:
            return [("resource consumption", "no lockout (423) after repeated failed logins: %s" % sorted(set(statuses)))]
        return []
    add("POST /api/v1/auth/login", "repeated logins: 423 lockout, then 429", logins, "resource consumption")
    return X


# ----------------------------------------------------------------------------------------------


def load_known():
    try:
        with open(KNOWN_FILE) as f:
            return json.load(f).get("findings", [])
    except FileNotFoundError:
        return []


def is_known(known, op_key, check, msg, case_name):
    for k in known:
        if k.get("route") not in (op_key, "*"):
            continue
        if k.get("check") and k["check"] != check:
            continue
        if k.get("case") and k["case"] not in (case_name or "") and k["case"] not in msg:
            continue
        return k
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--route", help="only operations whose path starts with PREFIX")
    ap.add_argument("--list", action="store_true", help="list the cases without running them")
    ap.add_argument("--verbose", "-v", action="store_true")
    args = ap.parse_args()

    with open(os.path.join(ROOT, "services", "api-gateway", "routes.json")) as f:
        routes = json.load(f)["routes"]
    ops = load_ops(routes)
    ops_by_key = {o.key: o for o in ops}
    cases = gen_cases(ops, routes, WORLD) + bola_cases(ops_by_key) + extra_cases(ops_by_key)
    if args.route:
        cases = [c for c in cases if c.op_key.split(" ", 1)[-1].startswith(args.route)]

    if args.list:
        for c in cases:
            print("%-62s %-22s %s" % (c.op_key, c.check, c.name))
        print("%d cases over %d routes" % (len(cases), len({c.op_key for c in cases})))
        return 0

    base = os.environ.get("E2E_GATEWAY_URL", "http://127.0.0.1:18080")
    secrets_file = os.environ.get("E2E_SECRETS_FILE", os.path.join(ROOT, ".data", "test", "secrets.env"))
    secrets = read_secrets(secrets_file)
    api = Client(base)
    t0 = time.time()
    w = World(api, secrets)
    w.build()
    w.bad_tokens = bad_tokens(secrets, w.a["id"])
    WORLD[0] = w
    for n in w.notes:
        print("setup: " + n)
    print("setup: %d requests, %.1f s" % (api.count, time.time() - t0))

    known = load_known()
    used_known = set()
    stats = {}
    failures, known_hits = [], []
    for c in cases:
        st = stats.setdefault(c.op_key, {"service": c.service, "cases": 0, "fail": 0, "known": 0})
        op = ops_by_key.get(c.op_key)
        try:
            out = c.run(api)
        except Exception as e:  # a broken case is a failure of the matrix, shown as such
            out = [("matrix", "%s: %s: %s" % (c.name, type(e).__name__, e))]
        if out is None:
            print("  skipped (no object): %s %s" % (c.op_key, c.name)) if args.verbose else None
            continue
        st["cases"] += 1
        if isinstance(out, Reply):
            route = route_of(routes, op.path) if op else None
            pub = edge_public(route, op.method) if route else True
            probs = check_reply(c, op, out, op.path if op else "", pub, w) + expect(c, op, out)
        else:
            probs = out
        seen = set()
        for check, msg in probs:
            if (check, msg) in seen:
                continue
            seen.add((check, msg))
            k = is_known(known, c.op_key, check, msg, c.name)
            line = "%s | %s | %s | %s" % (c.op_key, c.name, check, msg)
            if k:
                used_known.add(id(k))
                known_hits.append(line)
            else:
                failures.append(line)
        if any(not is_known(known, c.op_key, ch, m, c.name) for ch, m in seen):
            st["fail"] += 1
        elif seen:
            st["known"] += 1
        if args.verbose:
            st_code = out.status if isinstance(out, Reply) else "-"
            print("  %s | %s -> %s %s" % (c.op_key, c.name, st_code,
                                         "ok" if not seen else "; ".join(m for _, m in seen)))

    # Leave the test platform as found: a template edit some case may have made is dropped.
    api.call("DELETE", "/api/v1/support/templates/welcome/en", token=w.admin)
    if w.bola_owner:
        print("BOLA: the owner's own answers to the objects asked for: " + "; ".join(w.bola_owner))
    width = max(len(k) for k in stats) if stats else 10
    print("\n%-*s %6s %6s %6s" % (width, "route", "cases", "fail", "known"))
    for k in sorted(stats, key=lambda k: (stats[k]["service"], k.split(" ", 1)[-1], k)):
        s = stats[k]
        print("%-*s %6d %6d %6d" % (width, k, s["cases"], s["fail"], s["known"]))
    per_service = {}
    for s in stats.values():
        per_service[s["service"]] = per_service.get(s["service"], 0) + s["cases"]
    total = sum(s["cases"] for s in stats.values())
    print("\nper service: " + ", ".join("%s %d" % kv for kv in sorted(per_service.items())))
    print("total: %d cases on %d routes, %d requests, %d failing, %d known, %.0f s" % (
        total, len(stats), api.count, len(failures), len(known_hits), time.time() - t0))
    if known_hits:
        print("\nknown findings (tests/abuse/known_findings.json):")
        for line in known_hits:
            print("  KNOWN " + line[:400])
    unused = [k for k in known if id(k) not in used_known]
    if unused and not args.route:
        print("\nknown findings no longer seen (remove them from known_findings.json):")
        for k in unused:
            print("  %s | %s | %s" % (k.get("route"), k.get("check"), k.get("case", "")))
    if failures:
        print("\nFAILURES:")
        for line in failures:
            print("  FAIL " + line[:600])
        return 1
    print("\nabuse matrix: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
