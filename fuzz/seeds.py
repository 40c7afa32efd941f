#!/usr/bin/env python3
"""Writes the seed corpora (fuzz/corpus/<target>/) from the unit tests' own inputs.

The JSON bodies, provider payloads, query parameters and form bodies are taken from the tests'
source (raw string literals and {{"key", "value"}} lists, next to the parser they are given to);
the GT06 and Teltonika packets are built as the tests' helpers build them (gt06_test.cpp's frame()
and gps_block(), teltonika_test.cpp's record() and packet()); tokens as auth.cpp issues them.
Each seed begins with the byte the target dispatches on (see fuzz/<target>.cpp). Run it again
after adding tests: `python3 fuzz/seeds.py`. Regression inputs (fuzz/corpus/<target>/regress-*)
are kept as they are.
"""
import base64
import hashlib
import hmac
import json
import os
import re
import struct
import sys
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "fuzz", "corpus")
MAX_PER_TARGET = 80

# fuzz_json_bodies' table, in the order of fuzz/glue/*.cpp (user, vehicle, credit, payment,
# support, telematics): the first byte of a seed is the index of its entry.
BODIES = [
    "user.register", "user.login", "user.refresh", "user.profile", "user.kyc", "user.kyc_rejection",
    "user.roles", "user.lookup",
    "vehicle.listing_create", "vehicle.listing_patch", "vehicle.image_order", "vehicle.reason",
    "vehicle.status", "vehicle.reserve", "vehicle.plan_release", "vehicle.plan_lease",
    "vehicle.plan_transfer", "vehicle.plan_repossess",
    "credit.prequalify", "credit.application", "credit.model",
    "payment.template", "payment.quote", "payment.plan", "payment.cash", "payment.reason",
    "payment.refund", "payment.approve_note", "payment.reject_note", "payment.collection",
    "payment.resolve", "payment.internal_payment", "payment.delinquency_run",
    "support.create_ticket", "support.message", "support.rate", "support.template",
    "telematics.positions", "telematics.create_tracker", "telematics.reason",
]
QUERIES = [
    "user.list", "vehicle.search", "vehicle.search_staff", "vehicle.mine", "credit.page",
    "payment.plans", "payment.reviews", "payment.approvals",
]
PAGING = len(QUERIES)  # the byte of the cursor decoders

# parser called in the tests -> the body table entries it seeds
BODY_PARSERS = {
    ("user-service", "parse_registration"): ["user.register"],
    ("user-service", "parse_login"): ["user.login"],
    ("user-service", "parse_refresh_token"): ["user.refresh"],
    ("user-service", "parse_profile_patch"): ["user.profile"],
    ("user-service", "parse_kyc"): ["user.kyc"],
    ("user-service", "parse_rejection"): ["user.kyc_rejection"],
    ("user-service", "parse_roles"): ["user.roles"],
    ("user-service", "parse_lookup_ids"): ["user.lookup"],
    ("vehicle-service", "parse_listing_patch"): ["vehicle.listing_patch"],
    ("vehicle-service", "parse_image_order"): ["vehicle.image_order"],
    ("vehicle-service", "parse_status_request"): ["vehicle.status"],
    ("vehicle-service", "parse_reserve"): ["vehicle.reserve"],
    ("vehicle-service", "parse_plan_request"): ["vehicle.plan_release", "vehicle.plan_transfer"],
    ("payment-service", "parse_quote"): ["payment.quote"],
    ("payment-service", "parse_plan"): ["payment.plan"],
    ("payment-service", "parse_cash"): ["payment.cash"],
    ("payment-service", "parse_reason"): ["payment.reason"],
    ("payment-service", "parse_refund"): ["payment.refund"],
    ("payment-service", "parse_resolve"): ["payment.resolve"],
    ("payment-service", "parse_payment"): ["payment.internal_payment"],
    ("payment-service", "parse_collection"): ["payment.collection"],
    ("payment-service", "parse_decision_note"): ["payment.reject_note"],
}
QUERY_PARSERS = {
    ("user-service", "parse_user_list_query"): ["user.list"],
    ("vehicle-service", "parse_search_query"): ["vehicle.search", "vehicle.search_staff"],
    ("vehicle-service", "parse_mine_query"): ["vehicle.mine"],
    ("credit-service", "parse_page_query"): ["credit.page"],
    ("payment-service", "parse_plan_list"): ["payment.plans"],
    ("payment-service", "parse_review_query"): ["payment.reviews"],
    ("payment-service", "parse_approval_query"): ["payment.approvals"],
}

RAW = re.compile(r'R"(\w*)\((.*?)\)\1"', re.S)
# one or more adjacent raw string literals (C++ concatenates them)
RAWS = re.compile(r'(?:R"\((?:.*?)\)"\s*)+', re.S)
PAIRS = re.compile(r'\{(\{"[^"]*",\s*"[^"]*"\}(?:,\s*\{"[^"]*",\s*"[^"]*"\})*)\}')
PAIR = re.compile(r'\{"([^"]*)",\s*"([^"]*)"\}')


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()


def literals(text):
    """(offset, value) of every raw string literal, adjacent ones joined."""
    for m in RAWS.finditer(text):
        yield m.start(), "".join(x.group(2) for x in RAW.finditer(m.group(0)))


def json_objects(text):
    for pos, s in literals(text):
        try:
            v = json.loads(s)
        except ValueError:
            continue
        if isinstance(v, dict):
            yield pos, s


def caller(text, pos):
    """The last parse_* name before `pos` on its statement."""
    names = re.findall(r"\b(parse_\w+|decode_\w+|\w+_result|callback_key|field_of)\(", text[max(0, pos - 200):pos])
    return names[-1] if names else None


corpus = {}


def add(target, data):
    if isinstance(data, str):
        data = data.encode()
    corpus.setdefault(target, [])
    if data not in corpus[target]:
        corpus[target].append(data)


def tests(service):
    d = os.path.join(ROOT, "services", service, "tests", "unit")
    return [os.path.join("services", service, "tests", "unit", f) for f in sorted(os.listdir(d)) if f.endswith(".cpp")]


# ---- JSON bodies and queries ----------------------------------------------------------------------
for service in ["user-service", "vehicle-service", "credit-service", "payment-service"]:
    for path in tests(service):
        text = read(path)
        for pos, s in json_objects(text):
            for entry in BODY_PARSERS.get((service, caller(text, pos)), []):
                add("fuzz_json_bodies", bytes([BODIES.index(entry)]) + s.encode())
        for m in PAIRS.finditer(text):
            name = caller(text, m.start())
            pairs = PAIR.findall(m.group(1))
            for entry in QUERY_PARSERS.get((service, name), []):
                add("fuzz_query_cursor", bytes([QUERIES.index(entry)]) + urllib.parse.urlencode(pairs).encode())

# Bodies the tests build in a helper (valid(), boxer(), the template) rather than at the call.
helpers = [
    ("services/vehicle-service/tests/unit/listing_test.cpp", "boxer", ["vehicle.listing_create", "vehicle.listing_patch"]),
    ("services/credit-service/tests/unit/application_test.cpp", "valid", ["credit.application", "credit.prequalify"]),
    ("services/payment-service/tests/unit/plan_template_test.cpp", None, ["payment.template"]),
    ("services/user-service/tests/unit/kyc_test.cpp", "valid", ["user.kyc"]),
    ("services/telematics-service/tests/unit/batch_test.cpp", None, ["telematics.positions"]),
]
for path, _, entries in helpers:
    for _, s in json_objects(read(path)):
        for entry in entries:
            add("fuzz_json_bodies", bytes([BODIES.index(entry)]) + s.encode())

# The handlers' own bodies (support and telematics read theirs in handlers.cpp; see glue/).
for entry, body in [
    ("support.create_ticket", {"category": "breakdown", "priority": "high", "subject": "Chain snapped",
                               "description": "On Jinja Road", "customer_id": "0b7e8a52-7f1c-4c55-9a51-8e0f3c1a2b3c"}),
    ("support.message", {"body": "We are sending a mechanic", "internal": False}),
    ("support.rate", {"rating": 5}),
    ("support.template", {"title": "Payment received", "text": "We received {{amount}} for plan {{reference}}. Thank you!"}),
    ("telematics.create_tracker", {"imei": "359339075016807", "protocol": "gt06", "phone": "+256772123456",
                                   "model": "Concox GT06N", "firmware": "1.2"}),
    ("telematics.reason", {"reason": "tracker replaced"}),
    ("vehicle.reason", {"reason": "sold elsewhere"}),
    ("vehicle.plan_lease", {"plan_id": "5d1f6e2a-3b4c-4d5e-8f60-718293a4b5c6", "customer_id": "0b7e8a52-7f1c-4c55-9a51-8e0f3c1a2b3c"}),
    ("vehicle.plan_repossess", {"plan_id": "5d1f6e2a-3b4c-4d5e-8f60-718293a4b5c6", "reason": "defaulted"}),
    ("user.lookup", {"ids": ["0b7e8a52-7f1c-4c55-9a51-8e0f3c1a2b3c", "5d1f6e2a-3b4c-4d5e-8f60-718293a4b5c6"]}),
    ("payment.approve_note", {"note": "checked with the branch"}),
    ("payment.reject_note", {"note": "the receipt is for another plan"}),
    ("credit.model", {"model": {"version": 2, "factors": []}}),
]:
    add("fuzz_json_bodies", bytes([BODIES.index(entry)]) + json.dumps(body).encode())
add("fuzz_json_bodies", bytes([BODIES.index("payment.delinquency_run")]) + b'{"as_of":"2026-12-07"}')

# Cursors, as rto::paging encodes them (base64url of a small JSON object).
def cursor(obj):
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).rstrip(b"=")

for c in [{"t": 1796637540000000, "id": "0b7e8a52-7f1c-4c55-9a51-8e0f3c1a2b3c"},
          {"s": "price_asc", "p": 5400000, "t": 1796637540000000, "id": "5d1f6e2a-3b4c-4d5e-8f60-718293a4b5c6"}]:
    add("fuzz_query_cursor", bytes([PAGING]) + cursor(c))
    for entry in ["user.list", "vehicle.search", "credit.page", "payment.plans"]:
        add("fuzz_query_cursor", bytes([QUERIES.index(entry)]) + b"limit=20&cursor=" + cursor(c))

for entry, q in [("payment.reviews", "status=open&provider=mpesa&limit=20"),
                 ("payment.approvals", "status=pending&kind=refund&limit=50")]:
    add("fuzz_query_cursor", bytes([QUERIES.index(entry)]) + q.encode())

# ---- mobile-money callbacks ---------------------------------------------------------------------------
for _, s in json_objects(read("services/payment-service/tests/unit/mobile_money_test.cpp")):
    v = json.loads(s)
    keys = set(v)
    if keys & {"Body", "Result", "TransID", "ResponseCode", "errorCode", "TransAmount"}:
        provider = 2
    elif keys & {"transaction", "data", "hash"} and "plan_id" not in keys:
        provider = 1
    elif keys & {"status", "financialTransactionId", "externalId", "reason"}:
        provider = 0
    else:
        continue
    add("fuzz_momo_webhooks", bytes([provider]) + s.encode())

# ---- Africa's Talking -------------------------------------------------------------------------------
for _, s in json_objects(read("services/support-service/tests/unit/sms_test.cpp")):
    add("fuzz_sms_reports", bytes([1]) + s.encode())  # an answer to a send, HTTP 201
for form in ["id=ATXid_1&status=Success&phoneNumber=%2B254712345678&networkCode=63902",
             "id=ATXid_2&status=Failed&phoneNumber=0712345678&failureReason=InsufficientCredit&retryCount=0",
             "id=ATXid_3&status=Rejected&phoneNumber=%2B256772123456&failureReason=UserInBlacklist",
             "id=ATXid_4&status=Buffered&phoneNumber=%2B254712345678"]:
    add("fuzz_sms_reports", b"\x00" + form.encode())

# ---- tokens ---------------------------------------------------------------------------------------------
SECRET = b"service-secret-service-secret-service-99"


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=")


def hs256(claims, header=None):
    h = b64url(json.dumps(header or {"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    p = b64url(json.dumps(claims, separators=(",", ":")).encode())
    sig = b64url(hmac.new(SECRET, h + b"." + p, hashlib.sha256).digest())
    return h + b"." + p + b"." + sig


far = 4102444800  # 2100-01-01: the seeds stay unexpired
service = {"iss": "rto", "sub": "credit-service", "aud": "payment-service", "typ": "service",
           "jti": "0b7e8a52-7f1c-4c55-9a51-8e0f3c1a2b3c", "iat": int(time.time()), "exp": far}
access = {"iss": "rto", "sub": "0b7e8a52-7f1c-4c55-9a51-8e0f3c1a2b3c", "typ": "access", "roles": ["customer"],
          "jti": "5d1f6e2a-3b4c-4d5e-8f60-718293a4b5c6", "iat": int(time.time()), "exp": far}
add("fuzz_jwt", b"\x01" + hs256(service))
add("fuzz_jwt", b"\x00" + hs256(access, {"alg": "ES256", "typ": "JWT", "kid": "test-1"}))
add("fuzz_jwt", b"\x02Bearer " + hs256(access))
add("fuzz_jwt", b"\x03" + json.dumps(service).encode())
add("fuzz_jwt", b"\x03" + b'{"alg":"HS256","typ":"JWT"}\n' + json.dumps(service).encode())
add("fuzz_jwt", b"\x03" + json.dumps(dict(service, roles=["admin"], exp=1)).encode())
add("fuzz_jwt", b"\x00" + b64url(b'{"alg":"none"}') + b"." + b64url(json.dumps(access).encode()) + b".")

# ---- GT06 -------------------------------------------------------------------------------------------------
def crc_x25(b):
    crc = 0xFFFF
    for c in b:
        for i in range(8):
            bit = ((crc ^ (c >> i)) & 1) != 0
            crc >>= 1
            if bit:
                crc ^= 0x8408
    return crc ^ 0xFFFF


def gt06_frame(proto, content, serial):
    body = bytes([1 + len(content) + 4, proto]) + content + struct.pack(">H", serial)
    return b"\x78\x78" + body + struct.pack(">H", crc_x25(body)) + b"\x0d\x0a"


def gps_block(yy, mo, dd, h, mi, s, lat, lon, speed, course, fixed, acc):
    b = bytes([yy, mo, dd, h, mi, s, 0xC8]) + struct.pack(">II", int(abs(lat) * 1800000.0 + 0.5), int(abs(lon) * 1800000.0 + 0.5))
    flags = course & 0x3FF
    if lat >= 0: flags |= 0x0400
    if lon < 0: flags |= 0x0800
    if fixed: flags |= 0x1000
    if acc is not None: flags |= 0x4000 | (0x8000 if acc else 0)
    return b + bytes([speed]) + struct.pack(">H", flags)


lbs = struct.pack(">H", 641) + b"\x0a" + struct.pack(">H", 0x1234) + b"\x00\x56\x78"
gt06 = [
    (0x01, bytes.fromhex("0359339075016807"), 1),                                          # login
    (0x12, gps_block(26, 12, 7, 10, 30, 15, 0.3476, 32.5825, 42, 181, True, True) + lbs, 0x22),
    (0x12, gps_block(26, 1, 2, 3, 4, 5, -1.2921, -36.8219, 0, 0, False, None) + lbs, 1),
    (0x22, gps_block(26, 12, 7, 10, 30, 15, 0.3476, 32.5825, 42, 181, True, None) + lbs + b"\x01\x00\x00", 5),
    (0x13, b"\x86\x04\x03\x00\x02", 9),                                                    # status
    (0x16, gps_block(26, 12, 7, 9, 0, 0, 0.3, 32.5, 0, 0, True, None) + b"\x08" + lbs + b"\x46\x04\x03\x01\x02", 3),
    (0x26, gps_block(26, 12, 7, 9, 0, 0, 0.3, 32.5, 0, 0, True, None) + b"\x08" + lbs + b"\x46\x04\x03\x01\x02", 4),
    (0x15, b"\x0c" + struct.pack(">I", 0x01020304) + b"Relay,1# OK\x00\x02", 11),        # command reply
    (0x23, b"\x46\x01\x90\x04\x00\x02", 6),
]
stream = b""
for proto, content, serial in gt06:
    stream += gt06_frame(proto, content, serial)
    add("fuzz_gt06", b"\x00" + gt06_frame(proto, content, serial))
    add("fuzz_gt06", b"\x01" + bytes([proto]) + struct.pack(">H", serial) + content)
add("fuzz_gt06", b"\x00" + stream)
add("fuzz_gt06", b"\x00" + bytes.fromhex("787812800c0000000052656c61792c312300009dee0d0a"))

# ---- Teltonika ------------------------------------------------------------------------------------------
def crc16_ibm(b):
    crc = 0
    for c in b:
        crc ^= c
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def record(ms, speed, ignition):
    r = struct.pack(">QB", ms, 1) + struct.pack(">II", 325825000, 3476000) + struct.pack(">HHBH", 1190, 90, 9, speed)
    r += bytes([239, 2]) + bytes([1, 239, 1 if ignition else 0]) + bytes([1, 66]) + struct.pack(">H", 12600) + b"\x00\x00"
    return r


def data_field(records, codec=0x08):
    return bytes([codec, len(records)]) + b"".join(records) + bytes([len(records)])


def packet(data):
    return b"\x00" * 4 + struct.pack(">I", len(data)) + data + struct.pack(">I", crc16_ibm(data))


handshake = b"\x00\x0f" + b"356307042441013"
ms = 1796637540000
d1 = data_field([record(ms, 42, True), record(ms + 10000, 0, False)])
d2 = data_field([record(1796637600000, 0, False)])
reply = bytes([0x0C, 1, 0x06]) + struct.pack(">I", 11) + b"DOUT1:1 OK\x00"[:11] + b"\x01"
for d in [d1, d2, reply]:
    add("fuzz_teltonika", b"\x00" + packet(d))
    add("fuzz_teltonika", b"\x02" + d)
add("fuzz_teltonika", b"\x01" + handshake + packet(d1))
add("fuzz_teltonika", b"\x01" + handshake)
add("fuzz_teltonika", b"\x00" + bytes.fromhex("00000000000000140c01050000000c7365746469676f7574203131010000bed5"))

# ---- OsmAnd ---------------------------------------------------------------------------------------------
text = read("services/telematics-service/tests/unit/osmand_test.cpp")
for m in PAIRS.finditer(text):
    q = urllib.parse.urlencode(PAIR.findall(m.group(1)))
    add("fuzz_osmand", b"\x00" + q.encode())
    add("fuzz_osmand", b"\x01" + q.encode())
for _, s in json_objects(text):
    add("fuzz_osmand", b"\x02" + s.encode())

# ---- write ----------------------------------------------------------------------------------------------
for target, seeds in sorted(corpus.items()):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        if f.startswith("seed-"):
            os.remove(os.path.join(d, f))
    # At most three seeds a dispatch byte (handler, provider, mode), so that every one is seeded.
    per_byte, kept = {}, []
    for data in seeds:
        per_byte[data[:1]] = per_byte.get(data[:1], 0) + 1
        if per_byte[data[:1]] <= 3 or target not in ("fuzz_json_bodies", "fuzz_query_cursor"):
            kept.append(data)
    seeds = kept
    for data in seeds[:MAX_PER_TARGET]:
        name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
    print(f"{target}: {min(len(seeds), MAX_PER_TARGET)} seeds", file=sys.stderr)
