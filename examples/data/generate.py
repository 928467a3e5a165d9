#!/usr/bin/python3
"""Generates the sample data set of libcx: a year (2025) of "Northwind Home",
an online shop for home goods with a web shop, an app, a call centre
(hotline), chat and e-mail support, and parcel delivery.

Written in the import formats of docs/data-format.md:

  touchpoints.csv    the touchpoint registry (channel, journey stage)
  customers.csv      about 5,000 customers (segment, country, signup, churn)
  events.csv         about 200,000 events: visits, product views, carts,
                     checkouts, purchases, deliveries, calls, chats
  answers.csv        survey answers (NPS, CSAT, CES) with free-text comments
  tickets.csv        helpdesk tickets (phone, chat, e-mail)
  ticket_events.csv  their messages: openings, agent replies, customer
                     follow-ups, resolutions, reopenings
  comments.jsonl     product reviews and chat remarks (JSON Lines)

The data is made up but not random noise; it carries findings a report
should surface:

  * a bottleneck: the web shop's payment step. Many web customers who reach
    the checkout never pay, and those who do wait minutes on the payment
    page (the app's checkout is quick); "payment failed" tickets follow.
  * a detractor-heavy touchpoint: the hotline. Callers wait, get
    transferred and call back; its NPS is deeply negative, and it gets
    worse from July, when the call centre is short-staffed.
  * customers drifting away: about one in eight customers buys less and
    less, gets slower answers, complains without resolution, gives low
    scores and negative comments, and many of them cancel (churned_at).

The helpdesk keeps the opening hours of calendar.json beside this script:
calls and chats come in while it is open, e-mails at any hour, and agents
answer and resolve only while it is open (so e-mail waits overnight and
over weekends in calendar time, not in business time).

Plain Python, seeded: the same seed gives the same files, byte for byte.

usage: generate.py [--out DIR] [--seed N] [--customers N]
"""
import argparse
import csv
import datetime as dt
import json
import math
import os
import random

YEAR_START = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
YEAR_END = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
BERLIN_WINTER = dt.timezone(dt.timedelta(hours=1))
BERLIN_SUMMER = dt.timezone(dt.timedelta(hours=2))

TOUCHPOINTS = [
    # touchpoint, channel, stage, description
    ("web_home", "web", "discover", "Web shop home page"),
    ("web_search", "web", "discover", "Web shop search"),
    ("web_product", "web", "consider", "Product page in the web shop"),
    ("web_cart", "web", "checkout", "Web shop basket"),
    ("web_checkout", "web", "checkout", "Web shop checkout: address and delivery"),
    ("web_payment", "web", "buy", "Web shop payment page"),
    ("web_order_status", "web", "receive", "Order tracking page"),
    ("app_home", "app", "discover", "App start screen"),
    ("app_product", "app", "consider", "Product screen in the app"),
    ("app_cart", "app", "checkout", "App basket"),
    ("app_checkout", "app", "buy", "App one-step checkout and payment"),
    ("delivery", "post", "receive", "Parcel delivery"),
    ("hotline", "phone", "support", "Call centre"),
    ("chat_support", "chat", "support", "Live chat with an agent"),
    ("email_support", "email", "support", "Support by e-mail"),
]

COUNTRIES = [("DE", 0.55), ("AT", 0.15), ("CH", 0.1), ("NL", 0.12), ("FR", 0.08)]
FIRST = ["Anna", "Ben", "Clara", "David", "Elif", "Finn", "Greta", "Hannah", "Ilias", "Jana", "Karl", "Lena", "Mia",
         "Noah", "Olga", "Paul", "Quentin", "Rosa", "Sven", "Tara", "Ugo", "Vera", "Wim", "Xenia", "Yusuf", "Zoe"]
LAST = ["Becker", "Dijkstra", "Dubois", "Fischer", "Gruber", "Hofmann", "Janssen", "Keller", "Lang", "Martin",
        "Meyer", "Müller", "Schmidt", "Schneider", "Vogel", "Wagner", "Weber", "Wolf", "Zimmermann", "Öztürk"]
AGENTS = {"phone": ["Ayla", "Bernd", "Carla", "Dennis", "Eva", "Frank"],
          "chat": ["Gina", "Hakan", "Iris", "Jonas"],
          "email": ["Kim", "Lars", "Maren"]}
SUBJECTS = [("Where is my parcel?", 0.3), ("Refund not received", 0.15), ("Payment failed at checkout", 0.15),
            ("Item arrived damaged", 0.12), ("Change delivery address", 0.1), ("Cannot log in", 0.08),
            ("Invoice request", 0.1)]

COMMENTS = {
    "en": {
        "promoter": ["Fast delivery and great quality, thank you!", "Easy to order, the app is really smooth.",
                     "Lovely products, I will order again.", "The chat agent solved it in two minutes. Brilliant.",
                     "Everything arrived on time, well packed."],
        "passive": ["Okay overall, delivery took a bit long.", "Fine, but the website could be faster.",
                    "Good products, prices are a little high.", "Support was friendly, took a while though."],
        "detractor": ["Waited 40 minutes on the hotline, then got \"transferred\" twice. Never again.",
                      "Payment page kept failing, I had to try three times.",
                      "Nobody answered my e-mail for days.",
                      "The hotline is a nightmare: long waits, no solution.\nI called back three times.",
                      "Refund still missing, very disappointed.",
                      "Parcel was late and damaged, and support did not help."],
    },
    "de": {
        "promoter": ["Schnelle Lieferung, super Qualität!", "Bestellung in der App war ganz einfach.",
                     "Sehr freundlicher Chat, Problem sofort gelöst."],
        "passive": ["Insgesamt okay, die Lieferung dauerte etwas.", "Ganz gut, aber die Bezahlseite ist langsam."],
        "detractor": ["Ewig in der Warteschleife der Hotline, dann aufgelegt.",
                      "Die Zahlung ist zweimal fehlgeschlagen, sehr ärgerlich.",
                      "Keine Antwort auf meine E-Mail, Rückerstattung fehlt immer noch."],
    },
}
REVIEWS = {
    "en": {5: ["Beautiful lamp, exactly as pictured.", "Great value, sturdy and well made."],
           4: ["Nice cushions, colour slightly darker than shown."],
           3: ["Average quality for the price."],
           2: ["The chair wobbles, assembly instructions were poor."],
           1: ["Broke after a week. Support never replied."]},
    "de": {5: ["Tolle Qualität, gerne wieder."], 4: ["Schöner Teppich, Lieferung etwas langsam."],
           3: ["Geht so."], 2: ["Farbe passt nicht zum Foto."], 1: ["Kaputt angekommen, sehr enttäuscht."]},
}


def iso_utc(t):
    return t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def berlin_zone(t):
    """The helpdesk's zone at t: CET / CEST, switching on the last Sundays
    of March and October at 01:00 UTC."""
    def last_sunday(month):
        d = dt.datetime(t.year, month, 31, 1, tzinfo=dt.timezone.utc)
        return d - dt.timedelta(days=(d.weekday() + 1) % 7)
    return BERLIN_SUMMER if last_sunday(3) <= t < last_sunday(10) else BERLIN_WINTER


def iso_berlin(t):
    """Local time of the helpdesk with its UTC offset."""
    return t.astimezone(berlin_zone(t)).isoformat(timespec="seconds")


class OpeningHours:
    """The opening hours of calendar.json (its zone is Europe/Berlin):
    intervals of local wall-clock time per weekday, holidays closed all day
    or open in the intervals they list."""
    DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

    def __init__(self, path):
        cal = json.load(open(path, encoding="utf-8"))
        assert cal["timezone"] == "Europe/Berlin", "the generator knows Berlin's offsets only"
        self.week = [cal["week"][d] for d in self.DAYS]
        self.holidays = {}
        for h in cal.get("holidays", []):
            day = h if isinstance(h, str) else h["date"]
            self.holidays[dt.date.fromisoformat(day)] = [] if isinstance(h, str) else h["open"]

    def intervals(self, day):
        """The open intervals of a local date, as UTC datetimes."""
        noon = dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.timezone.utc)
        zone = berlin_zone(noon)
        spans = self.holidays.get(day, self.week[day.weekday()])
        for a, b in spans:
            yield tuple(dt.datetime.combine(day, dt.time.fromisoformat(x), zone).astimezone(dt.timezone.utc)
                        for x in (a, b))

    def after(self, t, seconds):
        """The instant `seconds` of opening hours after t; t itself is first
        moved to the next opening when the helpdesk is closed."""
        day = t.astimezone(berlin_zone(t)).date()
        while True:
            for a, b in self.intervals(day):
                if t < b:
                    start = max(t, a)
                    if seconds <= (b - start).total_seconds():
                        return start + dt.timedelta(seconds=seconds)
                    seconds -= (b - start).total_seconds()
            day += dt.timedelta(days=1)


HOURS = OpeningHours(os.path.join(os.path.dirname(os.path.abspath(__file__)), "calendar.json"))


def pick(r, weighted):
    x = r.random() * sum(w for _, w in weighted)
    for item, w in weighted:
        x -= w
        if x < 0:
            return item
    return weighted[-1][0]


def lognormal_seconds(r, median, spread):
    return median * math.exp(r.gauss(0, spread))


class Customer:
    def __init__(self, r, number):
        self.id = "C%05d" % number
        self.name = "%s %s" % (r.choice(FIRST), r.choice(LAST))
        self.email = "%s.%d@example.com" % (self.name.split()[0].lower(), number)
        self.segment = "business" if r.random() < 0.15 else "consumer"
        self.country = pick(r, COUNTRIES)
        self.signup = YEAR_START - dt.timedelta(days=r.randint(0, 3 * 365)) if r.random() < 0.8 else \
            YEAR_START + dt.timedelta(days=r.randint(0, 300))
        self.drifting = r.random() < 0.125
        self.app_user = r.random() < 0.35
        self.rate = r.gammavariate(2.0, 4.6) * (1.4 if self.segment == "business" else 1.0)  # sessions a year
        self.churned = None
        if self.drifting and r.random() < 0.55:
            self.churned = YEAR_START + dt.timedelta(days=r.randint(150, 360), hours=r.randint(8, 20))
        elif r.random() < 0.02:
            self.churned = YEAR_START + dt.timedelta(days=r.randint(30, 360), hours=r.randint(8, 20))
        self.lang = "de" if self.country in ("DE", "AT", "CH") and r.random() < 0.35 else "en"

    def activity(self, t):
        """Relative activity at time t: drifting customers fade out."""
        if self.churned is not None and t >= self.churned:
            return 0.0
        if self.drifting:
            return math.exp(-2.2 * (t - YEAR_START).days / 365.0)
        return 1.0

    def active_from(self):
        return max(self.signup, YEAR_START)


class Generator:
    def __init__(self, seed, n_customers):
        self.r = random.Random(seed)
        self.customers = [Customer(self.r, i + 1) for i in range(n_customers)]
        self.events, self.answers, self.tickets, self.ticket_events, self.reviews = [], [], [], [], []

    # ---- events ---------------------------------------------------------
    def event(self, c, touchpoint, etype, t, session, value=""):
        self.events.append([c.id, touchpoint, etype, t, value, session])

    def session_times(self, c):
        r = self.r
        start = c.active_from()
        days = (YEAR_END - start).days
        for _ in range(int(c.rate * 3) + 3):
            t = start + dt.timedelta(days=r.uniform(0, days))
            t = t.replace(hour=0, minute=0, second=0) + dt.timedelta(seconds=r.gauss(19 * 3600, 3 * 3600) % 86400)
            if t >= YEAR_END or r.random() > c.activity(t) / 3:
                continue
            yield t

    def shop_session(self, c, t, sid):
        r = self.r
        app = c.app_user and r.random() < 0.75
        p = "app_" if app else "web_"
        self.event(c, p + "home", "visit", t, sid)
        if not app and r.random() < 0.6:
            t += dt.timedelta(seconds=r.uniform(5, 60))
            self.event(c, "web_search", "search", t, sid)
        for _ in range(r.choice((1, 1, 2, 2, 3))):
            t += dt.timedelta(seconds=r.uniform(10, 120))
            self.event(c, p + "product", "view_product", t, sid)
        if r.random() > 0.45:
            return None
        t += dt.timedelta(seconds=r.uniform(10, 90))
        self.event(c, p + "cart", "add_to_cart", t, sid)
        if r.random() > 0.7:
            return None
        t += dt.timedelta(seconds=r.uniform(20, 120))
        amount = "%.2f" % max(9.9, r.lognormvariate(4.0, 0.7))
        if app:  # one step: checkout and payment together
            self.event(c, "app_checkout", "purchase", t, sid, amount)
            return ("app_checkout", t, amount)
        self.event(c, "web_checkout", "checkout", t, sid)
        # The bottleneck: the payment page loses many and is slow for the rest.
        if r.random() > 0.58:
            if r.random() < 0.04:
                self.contact(c, t + dt.timedelta(minutes=r.uniform(5, 120)), "Payment failed at checkout")
            return None
        t += dt.timedelta(seconds=lognormal_seconds(r, 240, 0.5))
        self.event(c, "web_payment", "purchase", t, sid, amount)
        return ("web_payment", t, amount)

    def after_purchase(self, c, purchase, sid):
        r = self.r
        touchpoint, t, _ = purchase
        if r.random() < 0.45:
            self.survey(c, "nps", touchpoint, t + dt.timedelta(minutes=r.uniform(1, 30)), "post-purchase")
        delivered = t + dt.timedelta(days=r.choice((1, 2, 2, 3, 3, 4, 6)), hours=r.uniform(-3, 3))
        if r.random() < 0.5:
            self.event(c, "web_order_status", "track_order", t + (delivered - t) / 2, sid)
        if delivered < YEAR_END and c.activity(delivered) > 0:
            self.event(c, "delivery", "delivered", delivered, sid)
            if r.random() < 0.4:
                self.survey(c, "csat", "delivery", delivered + dt.timedelta(hours=r.uniform(2, 30)), "delivery")
            if r.random() < 0.06:
                self.contact(c, delivered + dt.timedelta(hours=r.uniform(1, 48)),
                             pick(r, [("Item arrived damaged", 2), ("Refund not received", 1)]))

    def generate_events(self):
        sid = 0
        for c in self.customers:
            for t in sorted(self.session_times(c)):
                sid += 1
                purchase = self.shop_session(c, t, "S%07d" % sid)
                if purchase is not None:
                    self.after_purchase(c, purchase, "S%07d" % sid)
                if self.r.random() < (0.05 if not c.drifting else 0.12):
                    self.contact(c, t + dt.timedelta(hours=self.r.uniform(1, 72)), pick(self.r, SUBJECTS))

    # ---- surveys --------------------------------------------------------
    def nps_score(self, c, touchpoint, t):
        r = self.r
        # Share of promoters and detractors by touchpoint.
        promoters, detractors = {"hotline": (0.16, 0.56), "email_support": (0.3, 0.34), "chat_support": (0.52, 0.16),
                                 "delivery": (0.45, 0.2), "app_checkout": (0.6, 0.1)}.get(touchpoint, (0.5, 0.16))
        if touchpoint == "hotline" and t.month >= 7:  # short-staffed from July
            promoters, detractors = promoters - 0.06, detractors + 0.14
        if c.drifting:
            drift = (t - YEAR_START).days / 365.0
            promoters, detractors = promoters * (1 - 0.7 * drift), min(0.9, detractors + 0.5 * drift)
        x = r.random()
        if x < promoters:
            return r.choice((9, 10, 10))
        if x < promoters + detractors:
            return r.choice((0, 2, 3, 4, 5, 5, 6, 6, 6))
        return r.choice((7, 8, 8))

    def survey(self, c, metric, touchpoint, t, survey, ticket="", at=None):
        """An answer given at t, or written at `at` (when the helpdesk's
        hours moved it); none at or after the year's end."""
        r = self.r
        if t >= YEAR_END:
            return
        nps = self.nps_score(c, touchpoint, t)
        if metric == "nps":
            score = nps
        elif metric == "csat":  # 1..5, following the same mood
            score = 5 if nps >= 9 else 4 if nps >= 7 else r.choice((1, 2, 2, 3, 3, 4))
        else:  # ces 1..7, 7 = very easy
            score = r.choice((6, 7, 7)) if nps >= 9 else r.choice((4, 5, 6)) if nps >= 7 else r.choice((1, 2, 3, 3, 4))
        mood = "promoter" if nps >= 9 else "passive" if nps >= 7 else "detractor"
        comment = ""
        if r.random() < 0.35:
            comment = r.choice(COMMENTS[c.lang][mood])
        at = at or t
        if at < YEAR_END:
            self.answers.append([c.id, touchpoint, metric, score, at, comment, survey, ticket])

    # ---- tickets --------------------------------------------------------
    def contact(self, c, t, subject):
        """A ticket. Its steps run on two clocks: `last` adds the waits as
        they are drawn and decides what happens, as if the helpdesk never
        closed; `at` is what is written, in the hours of calendar.json
        (calls and chats wait for the opening, spread over its first hour;
        agents answer and resolve only while it is open; customers write
        at any hour). So the opening hours move the times of tickets, of
        their calls, chats and surveys, and nothing else: the rest of the
        data set is drawn as without them."""
        r = self.r
        if t >= YEAR_END or c.activity(t) == 0:
            return
        channel = pick(r, [("phone", 0.38), ("chat", 0.34), ("email", 0.28)])
        touchpoint = {"phone": "hotline", "chat": "chat_support", "email": "email_support"}[channel]
        ticket_id = "T%05d" % (len(self.tickets) + 1)
        agent = r.choice(AGENTS[channel])
        at = t if channel == "email" else HOURS.after(HOURS.after(t, 0), t.minute * 60 + t.second)
        opened, last, steps = at, t, [(t, at, "opened", "customer", subject)]
        if channel == "phone":
            self.event(c, "hotline", "call", at, "")
        elif channel == "chat":
            self.event(c, "chat_support", "chat", at, "")

        def step(seconds, kind, author, text, by_agent):
            nonlocal last, at
            last += dt.timedelta(seconds=seconds)
            at = HOURS.after(at, seconds) if by_agent else at + dt.timedelta(seconds=seconds)
            steps.append((last, at, kind, author, text))

        # First response: chat in minutes, phone after the queue, e-mail in hours.
        wait = {"chat": lognormal_seconds(r, 100, 0.7),
                "phone": lognormal_seconds(r, 420 if t.month < 7 else 1260, 0.6),
                "email": lognormal_seconds(r, 5 * 3600, 0.8)}[channel]
        if c.drifting:
            wait *= 1.8
        one_touch = r.random() < {"chat": 0.72, "phone": 0.42, "email": 0.55}[channel] * (0.6 if c.drifting else 1)
        step(wait, "agent_reply", agent, "Thanks for reaching out, let me check that for you.", True)
        if not one_touch:
            for _ in range(r.choice((1, 1, 2, 3))):
                step(lognormal_seconds(r, 3 * 3600, 1.0), "customer_message", "customer",
                     "Any news? This is still not solved.", False)
                step(lognormal_seconds(r, 2 * 3600 if channel != "chat" else 600, 0.8), "agent_reply", agent,
                     "Sorry for the delay, I have escalated it.", True)
        unresolved = r.random() < (0.25 if c.drifting else 0.04)
        status, resolved = "open", None
        if not unresolved:
            step(lognormal_seconds(r, 1800 if one_touch else 4 * 3600, 0.6), "resolved", agent, "", True)
            status, resolved = "resolved", steps[-1]
            if r.random() < (0.15 if channel == "phone" else 0.05) and not one_touch:
                step(r.uniform(1, 5) * 86400, "reopened", "customer", "The problem is back.", False)
                step(lognormal_seconds(r, 6 * 3600, 0.7), "agent_reply", agent, "We are looking into it again.", True)
                step(lognormal_seconds(r, 3600, 0.5), "resolved", agent, "", True)
                resolved = steps[-1]
        if any(e[0] >= YEAR_END for e in steps):
            return
        priority = "high" if subject.startswith(("Payment", "Refund")) else r.choice(("normal", "normal", "low"))
        if all(e[1] < YEAR_END for e in steps):
            self.tickets.append([ticket_id, c.id, channel, touchpoint, subject, priority, agent, status, opened,
                                 resolved[1] if resolved else ""])
            for e in steps:
                self.ticket_events.append([ticket_id] + list(e[1:]))
        if status == "resolved" and r.random() < 0.6:
            after = dt.timedelta(hours=r.uniform(1, 24))
            for metric, seconds in (("csat", 0), ("ces", 20), ("nps", 40)):
                if metric == "csat" or r.random() < 0.6:
                    delay = after + dt.timedelta(seconds=seconds)
                    self.survey(c, metric, touchpoint, resolved[0] + delay, "support", ticket_id, resolved[1] + delay)

    def generate_reviews(self):
        r = self.r
        for c in self.customers:
            if r.random() < 0.3:
                t = c.active_from() + dt.timedelta(days=r.uniform(0, 300), hours=r.uniform(0, 23))
                if t >= YEAR_END or c.activity(t) == 0:
                    continue
                rating = pick(r, [(5, 0.4), (4, 0.25), (3, 0.12), (2, 0.1), (1, 0.13 if not c.drifting else 0.5)])
                self.reviews.append((c, t, rating, r.choice(REVIEWS[c.lang][rating])))

    def run(self):
        self.generate_events()
        self.generate_reviews()

    # ---- output ---------------------------------------------------------
    def write(self, out):
        os.makedirs(out, exist_ok=True)

        def writer(name, header):
            f = open(os.path.join(out, name), "w", newline="", encoding="utf-8")
            w = csv.writer(f, lineterminator="\r\n")
            w.writerow(header)
            return f, w

        f, w = writer("touchpoints.csv", ["touchpoint", "channel", "stage", "description"])
        w.writerows(TOUCHPOINTS)
        f.close()

        f, w = writer("customers.csv", ["customer_id", "name", "email", "segment", "country", "signup_at", "churned_at"])
        for c in self.customers:
            w.writerow([c.id, c.name, c.email, c.segment, c.country, c.signup.date().isoformat(),
                        iso_utc(c.churned) if c.churned else ""])
        f.close()

        f, w = writer("events.csv", ["event_id", "customer_id", "touchpoint", "type", "timestamp", "value", "session_id"])
        # The data set covers 2025: the last sessions of the year end at midnight.
        self.events = sorted((e for e in self.events if e[3] < YEAR_END), key=lambda e: (e[3], e[0]))
        for i, e in enumerate(self.events):
            w.writerow(["E%07d" % (i + 1), e[0], e[1], e[2], iso_utc(e[3]), e[4], e[5]])
        f.close()

        f, w = writer("answers.csv", ["answer_id", "customer_id", "touchpoint", "metric", "score", "timestamp",
                                      "comment", "survey", "ticket_id"])
        self.answers.sort(key=lambda a: (a[4], a[0]))
        for i, a in enumerate(self.answers):
            w.writerow(["A%06d" % (i + 1), a[0], a[1], a[2], a[3], iso_utc(a[4]), a[5], a[6], a[7]])
        f.close()

        f, w = writer("tickets.csv", ["ticket_id", "customer_id", "channel", "touchpoint", "subject", "priority",
                                      "agent", "status", "opened_at", "resolved_at"])
        for t in self.tickets:
            w.writerow(t[:8] + [iso_berlin(t[8]), iso_berlin(t[9]) if t[9] else ""])
        f.close()

        f, w = writer("ticket_events.csv", ["event_id", "ticket_id", "timestamp", "kind", "author", "text"])
        for i, e in enumerate(self.ticket_events):
            w.writerow(["TE%07d" % (i + 1), e[0], iso_berlin(e[1]), e[2], e[3], e[4]])
        f.close()

        with open(os.path.join(out, "comments.jsonl"), "w", encoding="utf-8") as f:
            for i, (c, t, rating, text) in enumerate(sorted(self.reviews, key=lambda x: (x[1], x[0].id))):
                f.write(json.dumps({"comment_id": "R%05d" % (i + 1), "customer_id": c.id, "channel": "web",
                                    "source": "review", "timestamp": int(t.timestamp() * 1000), "text": text,
                                    "lang": c.lang, "score": rating}, ensure_ascii=False) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="sample", help="output directory (default: ./sample)")
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--customers", type=int, default=5000)
    args = ap.parse_args()
    g = Generator(args.seed, args.customers)
    g.run()
    g.write(args.out)
    print("%s: %d customers, %d events, %d answers, %d tickets, %d ticket events, %d reviews"
          % (args.out, len(g.customers), len(g.events), len(g.answers), len(g.tickets), len(g.ticket_events),
             len(g.reviews)))


if __name__ == "__main__":
    main()
