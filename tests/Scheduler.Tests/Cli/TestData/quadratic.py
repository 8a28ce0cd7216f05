# A command objective for the tests: reads the evaluated parameters as JSON on stdin, logs a metric line per step,
# prints the loss last. Writes its own argv and the raw parameters next to it so tests can check what arrived.
import json
import os
import sys

params = json.load(sys.stdin)
record = os.environ.get("RECORD_FILE")
if record:
    with open(record, "a", encoding="utf-8") as out:
        out.write(json.dumps({"argv": sys.argv[1:], "params": params, "trial": os.environ.get("HQ_TRIAL_NUMBER")}) + "\n")
x = params["x"]
for step in range(3):
    print(json.dumps({"metric": "partial", "value": x * step, "step": step}))
if params.get("tag") == "fail":
    print("boom", file=sys.stderr)
    sys.exit(3)
print((x - 3) ** 2)
