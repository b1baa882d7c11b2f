"""Derives the Python side of test/fixtures/axon-vectors.json with CPython 3.11 + pydantic 2 (not bittensor: it is not
installed here). Everything below is Python's own str(), json.dumps, hashlib.sha3_256 and pydantic's coercion, applied
to models written here from the field list of SDK 10.2.0's Synapse / TerminalInfo (synapse.py) and the template's
Dummy; it shares no code with the TypeScript under test. Run: python3 test/protocol/derive-vectors.py
It prints JSON on stdout; derive-signature.ts adds the sr25519 part and writes the fixture."""
import base64, hashlib, json, sys
from typing import Any, Optional
from pydantic import BaseModel, model_validator

def get_hash(s): return hashlib.sha3_256(s.encode("utf-8")).hexdigest()
def body_hash(values): return get_hash("".join(get_hash(str(v)) for v in values))

class Terminal(BaseModel):
    status_code: Optional[int] = None
    status_message: Optional[str] = None
    process_time: Optional[float] = None
    ip: Optional[str] = None
    port: Optional[int] = None
    version: Optional[int] = None
    nonce: Optional[int] = None
    uuid: Optional[str] = None
    hotkey: Optional[str] = None
    signature: Optional[str] = None

class Base(BaseModel):
    @model_validator(mode="before")
    @classmethod
    def _name_is_class(cls, values):  # the SDK forces name to the class name the same way
        values["name"] = cls.__name__
        return values

    name: Optional[str] = None
    timeout: Optional[float] = 12.0
    total_size: Optional[int] = 0
    header_size: Optional[int] = 0
    dendrite: Optional[Terminal] = Terminal()
    axon: Optional[Terminal] = Terminal()
    computed_body_hash: Optional[str] = ""

class Dummy(Base):
    dummy_input: int
    dummy_output: Optional[int] = None

class HashedQuery(Base):
    text: str
    probs: list
    temperature: float = 1.0
    meta: dict = {}

out = {}

# 1. str() after coercion, per field type. Inputs are JSON texts (what a body carries).
types = {"int": int, "float": float, "str": str, "bool": bool, "list": list, "dict": dict, "any": Any}
cases = {
    "int": ["0", "-7", "12345678901234567890", "1.0", "-3.0", "true", "\" 1_000 \"", "\"-1.00\""],
    "float": ["1", "1.0", "0.1", "1e-05", "0.0001", "1e16", "1e15", "123456789012345678", "5e-324", "1.7976931348623157e308",
              "-0.0", "NaN", "Infinity", "-Infinity", "0.30000000000000004", "100.0", "1.5e300", "2.5e-7", "\"1_0.5\"", "\"inf\"", "\".5\"", "true"],
    "str": ["\"\"", "\"plain\"", "\"it's\"", "\"say \\\"hi\\\"\"", "\"both ' and \\\"\"", "\"tab\\tnl\\n\"", "\"h\u00e9llo \\u2603 \\ud83d\\ude00\""],
    "bool": ["true", "false", "1", "0", "\"yes\"", "\"OFF\"", "1.0"],
    "list": ["[]", "[1, 2]", "[1.0, 2.5, 1e-05, 1e16]", "[\"a\", \"it's\", \"\\n\", \"\\u00e9\\u0007\\u200b\\ud83d\\ude00\"]",
             "[[1, [2, []]], {\"k\": null}, true, false, null]", "[\"\\\\\", \"\\u007f\", \"\\u00a0\", \"\\u00ad\", \"\\ud800\"]"],
    "dict": ["{}", "{\"a\": 1}", "{\"b\": 1, \"a\": [1.5, \"x\"], \"1\": null}", "{\"a\": 1, \"b\": 2, \"a\": 3}", "{\"q\": \"'\\\"\"}"],
    "any": ["null", "3", "3.0", "\"s\"", "[1, \"2\"]", "{\"x\": {\"y\": 1.25}}"],
}
str_cases = []
for t, inputs in cases.items():
    class M(BaseModel):
        x: types[t]
    for text in inputs:
        v = M(x=json.loads(text)).x
        str_cases.append({"type": t, "json": text, "str": str(v)})
out["pythonStr"] = str_cases

# 1b. Random values (fixed seed): doubles from random bit patterns, text over awkward code points, nested containers.
import random, struct, math
rng = random.Random(20261125)
POINTS = [0x0, 0x7, 0x1f, 0x20, 0x22, 0x27, 0x5c, 0x7e, 0x7f, 0x80, 0xa0, 0xad, 0xe9, 0x2028, 0x200b, 0x2603, 0xfeff,
          0xd7ff, 0xe000, 0xfffd, 0x1f600, 0xe0001, 0x10ffff, 0x41, 0x7a, 0x30, 0x3000, 0x85]
def rand_float():
    while True:
        x = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
        if rng.random() < 0.5:
            x = rng.choice([1, -1]) * rng.random() * 10 ** rng.randint(-30, 30)
        if not math.isnan(x):
            return x
def rand_text():
    return "".join(chr(rng.choice(POINTS)) if rng.random() < 0.5 else chr(rng.randint(0x20, 0x7e)) for _ in range(rng.randint(0, 12)))
def rand_value(depth=0):
    k = rng.randint(0, 6 if depth < 3 else 3)
    if k == 0: return rng.choice([None, True, False])
    if k == 1: return rng.randint(-2**70, 2**70) if rng.random() < 0.3 else rng.randint(-1000, 1000)
    if k == 2: return rand_float()
    if k == 3: return rand_text()
    if k in (4, 5): return [rand_value(depth + 1) for _ in range(rng.randint(0, 4))]
    return {rand_text(): rand_value(depth + 1) for _ in range(rng.randint(0, 4))}
random_cases = []
for _ in range(120):
    v = rand_value()
    text = json.dumps(v)
    random_cases.append({"json": text, "str": str(json.loads(text)), "dumps": json.dumps(json.loads(text))})
for _ in range(80):
    x = rand_float()
    random_cases.append({"json": json.dumps(x), "str": str(x), "dumps": json.dumps(x)})
out["randomValues"] = random_cases

# 2. json.dumps with the defaults, of values read by json.loads.
dump_inputs = ["{\"a\": [1, 2.0, 1e-05, 1e16, -0.0, NaN, Infinity, -Infinity]}", "\"\\u00e9\\u2603\\ud83d\\ude00\\u007f\\u0000\\b\\f\\n\\r\\t/\"",
               "{\"z\": 1, \"1\": 2, \"a\": {\"\": []}}", "[true, false, null, 12345678901234567890, 0.1]", "\"\\ud800x\\udfff\""]
out["jsonDumps"] = [{"json": t, "dumps": json.dumps(json.loads(t))} for t in dump_inputs]

# 3. Body hashes.
out["bodyHash"] = {
    "_method": "hashlib.sha3_256 of ''.join(sha3_256(str(field)) for field in required_hash_fields), hex",
    "none": body_hash([]),
    "dummyInput4": body_hash([Dummy(dummy_input=4).model_dump()["dummy_input"]]),
}

# 4. Request bodies and headers as an SDK 10.2.0 dendrite builds them (values fixed; signature/total_size filled later
#    by derive-signature.ts since they need the sr25519 key and are not Python's concern).
ALICE = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"   # //Alice, sr25519, ss58 42
BOB = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"     # //Bob
NONCE = 1732540000123456789
UUID = "0b5e8e40-1c2d-11ef-9a0c-0242ac120002"
def request(cls, fields, hash_fields, timeout):
    s = cls(timeout=timeout, dendrite=Terminal(ip="10.0.0.1", version=10002000, nonce=NONCE, uuid=UUID, hotkey=ALICE),
            axon=Terminal(ip="192.0.2.10", port=8091, hotkey=BOB), **fields)
    d = s.model_dump()
    h = body_hash([d[f] for f in hash_fields])
    required = cls.model_json_schema().get("required", [])
    input_obj = {f"bt_header_input_obj_{f}": base64.b64encode(json.dumps(d[f].__class__()).encode()).decode()
                 for f in d if f in required and d[f] is not None}
    return {"timeoutHeader": str(s.timeout), "bodyHash": h, "inputObjHeaders": input_obj,
            "message": f"{NONCE}.{ALICE}.{BOB}.{UUID}.{h}",
            "bodyBeforeSignature": json.dumps(d)}
out["requests"] = {
    "dummy": {"spec": "Dummy", "input": {"dummy_input": 4}, "timeout": 12,
              **request(Dummy, {"dummy_input": 4}, [], 12)},
    "hashed": {"spec": "HashedQuery", "input": {"text": "h\u00e9llo 'x'", "probs": [0.5, 1, 1e-05], "meta": {"b": 1, "a": 2}},
               "hashFields": ["text", "probs", "temperature", "meta"], "timeout": 2.5,
               **request(HashedQuery, {"text": "h\u00e9llo 'x'", "probs": [0.5, 1, 1e-05], "meta": {"b": 1, "a": 2}}, ["text", "probs", "temperature", "meta"], 2.5)},
}
out["fixed"] = {"dendriteUri": "//Alice", "dendriteHotkey": ALICE, "axonUri": "//Bob", "axonHotkey": BOB,
                "nonce": str(NONCE), "uuid": UUID, "dendriteIp": "10.0.0.1", "axonIp": "192.0.2.10", "axonPort": 8091}
json.dump(out, sys.stdout, indent=1, ensure_ascii=True)
