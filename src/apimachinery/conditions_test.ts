import assert from "node:assert/strict";
import {
  type Condition,
  findStatusCondition,
  isStatusConditionFalse,
  removeStatusCondition,
  setStatusCondition,
} from "./conditions.ts";

const T1 = Date.UTC(2026, 0, 1);
const T2 = Date.UTC(2026, 0, 2);

Deno.test("setStatusCondition keeps lastTransitionTime unless the status changes", () => {
  const cs: Condition[] = [];
  const base = { type: "Ready", status: "False", reason: "Pending", message: "wait" } as const;
  assert.ok(setStatusCondition(cs, { ...base, observedGeneration: 1 }, { now: T1 }));
  assert.deepEqual(cs, [{
    type: "Ready",
    status: "False",
    observedGeneration: 1,
    lastTransitionTime: "2026-01-01T00:00:00Z",
    reason: "Pending",
    message: "wait",
  }]);
  // Same everything: no change.
  assert.equal(setStatusCondition(cs, { ...base, observedGeneration: 1 }, { now: T2 }), false);
  // A new generation alone is a change, but not a transition.
  assert.ok(setStatusCondition(cs, { ...base, observedGeneration: 2 }, { now: T2 }));
  assert.equal(cs[0].lastTransitionTime, "2026-01-01T00:00:00Z");
  assert.equal(cs[0].observedGeneration, 2);
  // The status changes: the transition time moves.
  assert.ok(setStatusCondition(cs, { ...base, status: "True", reason: "Ok" }, { now: T2 }));
  assert.equal(cs[0].lastTransitionTime, "2026-01-02T00:00:00Z");
  assert.equal("observedGeneration" in cs[0], false);
  // An explicit transition time wins on a transition.
  setStatusCondition(cs, { ...base, lastTransitionTime: "2025-12-31T00:00:00Z" });
  assert.equal(cs[0].lastTransitionTime, "2025-12-31T00:00:00Z");
  assert.ok(isStatusConditionFalse(cs, "Ready"));
});

Deno.test("conditions of several types are kept apart, in insertion order", () => {
  const cs: Condition[] = [];
  setStatusCondition(cs, { type: "A", status: "True", reason: "R", message: "" }, { now: T1 });
  setStatusCondition(cs, { type: "B", status: "Unknown", reason: "R", message: "" }, { now: T1 });
  assert.deepEqual(cs.map((c) => c.type), ["A", "B"]);
  assert.ok(removeStatusCondition(cs, "A"));
  assert.equal(findStatusCondition(cs, "A"), undefined);
  assert.equal(findStatusCondition(cs, "B")?.status, "Unknown");
});
