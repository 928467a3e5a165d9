#!/usr/bin/python3
"""Independent reference values for tests/api/test_journey*.c.

Part A prints the figures of the small hand-checked journeys (Wilson
intervals with statsmodels, Markov removal effects with numpy.linalg).
Part B generates the seeded event log that tests/api/test_journey_log.c
regenerates in C (same splitmix64 stream, same draws in the same order),
computes its funnel, path variants, directly-follows counts and attribution
(first, last, linear, Markov orders 1 and 2) with plain dicts and
numpy.linalg.solve, and writes them to tests/data/journey_reference.txt.

Nothing here calls libcx; definitions follow docs/journeys.md.
Run: /usr/bin/python3 tests/reference/journey_reference.py [OUT]
     /usr/bin/python3 tests/reference/journey_reference.py --check
       recompute part B and compare with the committed file (figures to
       1e-12 relative: LAPACK builds differ in the last digit); exit 1 on
       a difference
"""
import os
import sys

import numpy as np
from statsmodels.stats.proportion import (confint_proportions_2indep, proportion_confint,
                                          proportions_ztest)

MASK = (1 << 64) - 1
DAY = 86_400_000


def show(name, **values):
    print(name + ": " + ", ".join(f"{k}={v:.12g}" for k, v in values.items()))


# ---------------------------------------------------------------------------
# Shared definitions

def split_cases(events_by_customer, gap):
    """events_by_customer: {customer: [(ts, tp), ...]} -> list of cases,
    each a list of (ts, tp) sorted by (ts, tp), split where the gap between
    consecutive events exceeds `gap` (0: never)."""
    cases = []
    for customer in sorted(events_by_customer):
        evs = sorted(events_by_customer[customer])
        current = [evs[0]]
        for prev, ev in zip(evs, evs[1:]):
            if gap > 0 and ev[0] - prev[0] > gap:
                cases.append(current)
                current = []
            current.append(ev)
        cases.append(current)
    return cases


def funnel(cases, stage_of, n_stages):
    """Ordered funnel: a case enters stage k when it has events of stages
    0..k in that order (greedy earliest match)."""
    entered = [0] * n_stages
    visited = [0] * n_stages
    for case in cases:
        k = 0
        seen = set()
        for _, tp in case:
            s = stage_of[tp]
            if s is None:
                continue
            seen.add(s)
            if k < n_stages and s == k:
                k += 1
        for s in range(k):
            entered[s] += 1
        for s in seen:
            visited[s] += 1
    return entered, visited


def pre_goal_path(case, is_goal):
    path = []
    for _, tp in case:
        if is_goal[tp]:
            return path, True
        path.append(tp)
    return path, False


def heuristic_credit(paths, model):
    credit = {}
    for path, converts in paths:
        if not converts or not path:
            continue
        if model == "first":
            credit[path[0]] = credit.get(path[0], 0.0) + 1.0
        elif model == "last":
            credit[path[-1]] = credit.get(path[-1], 0.0) + 1.0
        else:
            for tp in path:
                credit[tp] = credit.get(tp, 0.0) + 1.0 / len(path)
    return credit


class Chain:
    """Absorbing Markov chain of order 1 or 2 over paths (Anderl et al.
    2016): START -> states -> CONVERSION or NULL."""

    def __init__(self, paths, order):
        self.counts = {}
        self.nodes = set()
        for path, converts in paths:
            if not path:
                continue
            prev_state = "START"
            prev_node = "START"
            for node in path:
                state = (prev_node, node) if order == 2 else node
                self.counts[(prev_state, state)] = self.counts.get((prev_state, state), 0) + 1
                self.nodes.add(node)
                prev_state, prev_node = state, node
            end = "CONVERSION" if converts else "NULL"
            self.counts[(prev_state, end)] = self.counts.get((prev_state, end), 0) + 1
        self.order = order
        states = {"START"}
        for a, b in self.counts:
            states.add(a)
            if b not in ("CONVERSION", "NULL"):
                states.add(b)
        self.states = states
        self.totals = {}
        for (a, _), n in self.counts.items():
            self.totals[a] = self.totals.get(a, 0) + n

    def _removed(self, state, removed):
        if state == "START":
            return False
        if self.order == 2:
            return state[0] in removed or state[1] in removed
        return state in removed

    def probability(self, removed=()):
        removed = set(removed)
        kept = sorted((s for s in self.states if not self._removed(s, removed)), key=repr)
        index = {s: i for i, s in enumerate(kept)}
        k = len(kept)
        a = np.eye(k)
        r = np.zeros(k)
        for (src, dst), n in self.counts.items():
            if src not in index:
                continue
            p = n / self.totals[src]
            if dst == "CONVERSION":
                r[index[src]] += p
            elif dst in index:
                a[index[src], index[dst]] -= p
        x = np.linalg.solve(a, r)
        return x[index["START"]]


def markov(paths, order):
    chain = Chain(paths, order)
    base = chain.probability()
    effects = {n: 1.0 - chain.probability([n]) / base for n in chain.nodes}
    attributed = sum(1 for p, c in paths if c and p)
    total = sum(effects.values())
    credit = {n: attributed * e / total for n, e in effects.items()}
    return chain, base, effects, credit


# ---------------------------------------------------------------------------
# Part A: the small journeys of tests/api/test_journey.c

def part_a():
    z = 1.959963984540054
    # Funnel of the hand-checked journey: entered 7, 5, 3, 1 of 9 cases.
    entered = [7, 5, 3, 1]
    before = [9, 7, 5, 3]
    for k in range(4):
        lo, hi = proportion_confint(entered[k], before[k], alpha=0.05, method="wilson")
        show(f"small_step_{k}", rate=entered[k] / before[k], ci_low=lo, ci_high=hi)
        lo, hi = proportion_confint(entered[k], 9, alpha=0.05, method="wilson")
        show(f"small_overall_{k}", rate=entered[k] / 9, ci_low=lo, ci_high=hi)
    lo, hi = proportion_confint(5, 9, alpha=0.05, method="wilson")
    show("small_goal", rate=5 / 9, ci_low=lo, ci_high=hi)

    # Period comparison: A enters 30, 20, 10 of 40 cases; B 45, 25, 20 of 50.
    for k, (xa, na, xb, nb) in {"step_1": (20, 30, 25, 45), "overall_1": (20, 40, 25, 50),
                                "step_2": (10, 20, 20, 25), "overall_2": (10, 40, 20, 50)}.items():
        zstat, p = proportions_ztest([xa, xb], [na, nb])  # pooled variance
        lo, hi = confint_proportions_2indep(xa, na, xb, nb, method="newcomb", compare="diff", alpha=0.05)
        pooled = (xa + xb) / (na + nb)
        se = np.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb))
        show(f"compare_{k}", difference=xa / na - xb / nb, std_error=se, z=zstat, p_value=p, ci_low=lo, ci_high=hi)

    # Attribution of the hand-checked journey (pre-goal paths, converts).
    ad, web, chat, buy, call = "ad", "web", "chat", "buy", "call"
    paths = [([ad, web], True), ([ad, chat, web], True), ([web, ad, web], False), ([ad], False),
             ([ad, web], False), ([web], True), ([chat, chat, call], True), ([ad, web], True), ([ad], False)]
    for model in ("first", "last", "linear"):
        credit = heuristic_credit(paths, model)
        show(f"small_{model}", **{k: credit.get(k, 0.0) for k in (ad, web, chat, call)})
    for order in (1, 2):
        chain, base, effects, credit = markov(paths, order)
        show(f"small_markov{order}_probability", p=base, states=len(chain.states))
        show(f"small_markov{order}_removal", **{k: effects[k] for k in (ad, web, chat, call)})
        show(f"small_markov{order}_credit", **{k: credit[k] for k in (ad, web, chat, call)})
        show(f"small_markov{order}_set_ad_web", removal=1 - chain.probability([ad, web]) / base)
    # A chain with an order-2 effect: after "a", "b" converts; after "c", "b" does not.
    paths2 = [(["a", "b"], True)] * 3 + [(["c", "b"], False)] * 3 + [(["b"], True), (["a"], False)]
    for order in (1, 2):
        chain, base, effects, credit = markov(paths2, order)
        show(f"memory_markov{order}", p=base, a=effects["a"], b=effects["b"], c=effects["c"],
             credit_a=credit["a"], credit_b=credit["b"], credit_c=credit["c"])


# ---------------------------------------------------------------------------
# Part B: the generated log

TOUCHPOINTS = [
    ("display-ad", "social", "awareness"),
    ("search-ad", "web", "awareness"),
    ("newsletter", "email", "awareness"),
    ("home", "web", "consideration"),
    ("product", "web", "consideration"),
    ("reviews", "web", "consideration"),
    ("app-browse", "app", "consideration"),
    ("chat", "chat", "consideration"),
    ("cart", "web", "intent"),
    ("app-cart", "app", "intent"),
    ("checkout", "web", "purchase"),
    ("store", "store", "purchase"),
    ("hotline", "phone", "service"),
    ("help-center", "web", "service"),
]
STAGES = ["awareness", "consideration", "intent", "purchase", "service"]
GOAL_STAGE = 3
SEED = 20240601
CUSTOMERS = 20000
BASE_MS = 1_700_000_000_000
GAP_MS = DAY


class SplitMix64:
    """splitmix64 (Steele, Lea & Flood 2014), as in tests/api/test_journey_log.c."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n


def episode(rng, stage_of, by_stage):
    n_tp = len(TOUCHPOINTS)
    tp = by_stage[0][rng.below(len(by_stage[0]))] if rng.below(100) < 70 else rng.below(n_tp)
    path = [tp]
    while len(path) < 12:
        stage = stage_of[tp]
        if rng.below(100) < (50 if stage == GOAL_STAGE else 15):
            break
        r = rng.below(100)
        if r < 55:
            nxt = min(stage + 1, len(STAGES) - 1)
        elif r < 80:
            nxt = stage
        elif r < 90:
            nxt = max(stage - 1, 0)
        else:
            nxt = None
        tp = rng.below(n_tp) if nxt is None else by_stage[nxt][rng.below(len(by_stage[nxt]))]
        path.append(tp)
    return path


def generate():
    rng = SplitMix64(SEED)
    stage_of = [STAGES.index(s) for _, _, s in TOUCHPOINTS]
    by_stage = [[i for i, s in enumerate(stage_of) if s == k] for k in range(len(STAGES))]
    events = []
    for c in range(CUSTOMERS):
        t = BASE_MS + rng.below(60 * DAY)
        for _ in range(2 if rng.below(4) == 0 else 1):
            path = episode(rng, stage_of, by_stage)
            for i, tp in enumerate(path):
                if i > 0:
                    t += 1000 + rng.below(3_600_000)
                events.append((c, tp, t))
            t += 3 * DAY + rng.below(10 * DAY)
    for i in range(len(events) - 1, 0, -1):  # Fisher-Yates, arrival order
        k = rng.below(i + 1)
        events[i], events[k] = events[k], events[i]
    return events


def part_b(out_path):
    events = generate()
    names = [t[0] for t in TOUCHPOINTS]
    stage_of = [STAGES.index(s) for _, _, s in TOUCHPOINTS]
    is_goal = [s == GOAL_STAGE for s in stage_of]
    checksum = 0
    by_customer = {}
    for c, tp, t in events:
        checksum = (checksum + t * 31 + tp * 7 + c) & MASK
        by_customer.setdefault(c, []).append((t, tp))
    cases = split_cases(by_customer, GAP_MS)
    lines = ["# Generated by tests/reference/journey_reference.py (independent of libcx); do not edit.",
             f"seed {SEED}", f"customers {CUSTOMERS}", f"events {len(events)}", f"checksum {checksum}",
             f"cases {len(cases)}",
             f"goal_cases {sum(1 for case in cases if any(is_goal[tp] for _, tp in case))}"]

    entered, visited = funnel(cases, stage_of, len(STAGES))
    for k, stage in enumerate(STAGES):
        lines.append(f"funnel {stage} {entered[k]} {visited[k]}")

    variants = {}
    for case in cases:
        key = tuple(tp for _, tp in case)
        count, goals = variants.get(key, (0, 0))
        variants[key] = (count + 1, goals + any(is_goal[tp] for tp in key))
    ranked = sorted(variants.items(), key=lambda kv: (-kv[1][0], [names[tp] for tp in kv[0]]))
    lines.append(f"variants_distinct {len(variants)}")
    for key, (count, goals) in ranked[:25]:
        lines.append(f"variant {count} {goals} " + ",".join(names[tp] for tp in key))

    edges = {}
    for case in cases:
        converts = any(is_goal[tp] for _, tp in case)
        seen = set()
        for i in range(1, len(case)):
            e = (case[i - 1][1], case[i][1])
            count, n_cases, lost = edges.get(e, (0, 0, 0))
            edges[e] = (count + 1, n_cases + (e not in seen), lost)
            seen.add(e)
        if len(case) >= 2 and not converts:
            e = (case[-2][1], case[-1][1])
            count, n_cases, lost = edges[e]
            edges[e] = (count, n_cases, lost + 1)
    ranked_edges = sorted(edges.items(), key=lambda kv: (-kv[1][0], names[kv[0][0]], names[kv[0][1]]))
    lines.append(f"edges {len(edges)}")
    for (a, b), (count, n_cases, lost) in ranked_edges:
        lines.append(f"edge {names[a]} {names[b]} {count} {n_cases} {lost}")

    paths = [pre_goal_path(case, is_goal) for case in cases]
    paths = [([names[tp] for tp in p], c) for p, c in paths]
    lines.append(f"conversions {sum(1 for _, c in paths if c)}")
    lines.append(f"attributed {sum(1 for p, c in paths if c and p)}")
    on_path = [n for n in names if any(n in p for p, _ in paths)]
    lines.append(f"on_path {len(on_path)}")
    for model in ("first", "last", "linear"):
        credit = heuristic_credit(paths, model)
        for name in on_path:
            lines.append(f"attr {model} {name} {credit.get(name, 0.0):.15g}")
    sets = [["chat", "hotline"], ["display-ad", "search-ad", "newsletter"]]
    for order in (1, 2):
        chain, base, effects, credit = markov(paths, order)
        lines.append(f"markov{order}_probability {base:.15g} {len(chain.states)}")
        for name in on_path:
            lines.append(f"markov{order} {name} {effects[name]:.15g} {credit[name]:.15g}")
        for s in sets:
            lines.append(f"markov{order}_set {','.join(s)} {1 - chain.probability(s) / base:.15g}")
    if out_path is None:
        return lines
    with open(out_path, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"log: {len(events)} events, {len(cases)} cases, {len(variants)} variants, {len(edges)} edges -> {out_path}")
    return lines


def same_line(a, b):
    """Lines agree word by word; words that are both non-integer numbers
    agree to 1e-12 relative."""
    wa, wb = a.split(), b.split()
    if len(wa) != len(wb):
        return False
    for x, y in zip(wa, wb):
        if x == y:
            continue
        try:
            fx, fy = float(x), float(y)
        except ValueError:
            return False
        if x.lstrip("-").isdigit() or abs(fx - fy) > 1e-12 * max(abs(fx), abs(fy)):
            return False
    return True


def check(path):
    with open(path) as f:
        committed = f.read().splitlines()
    computed = part_b(None)
    bad = [(i + 1, a, b) for i, (a, b) in enumerate(zip(committed, computed)) if not same_line(a, b)]
    if len(committed) != len(computed):
        bad.append((min(len(committed), len(computed)) + 1, f"{len(committed)} lines", f"{len(computed)} lines"))
    for line, a, b in bad[:10]:
        print(f"{path}:{line}: committed {a!r}, computed {b!r}")
    print(f"{len(computed)} lines checked, {len(bad)} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    data = os.path.join(here, "..", "data", "journey_reference.txt")
    if sys.argv[1:] == ["--check"]:
        sys.exit(check(data))
    part_a()
    part_b(sys.argv[1] if len(sys.argv) > 1 else data)
