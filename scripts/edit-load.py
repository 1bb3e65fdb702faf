#!/usr/bin/env python3
"""Edits the office registry at a steady rate while a read load runs. Four workers each move
one commune seat back and forth by about 20 m around its current point (inside its commune),
each PATCH with the If-Match of its previous answer, together RATE edits a second. Stops
after SECONDS and prints "edits ok failed".

Usage: edit-load.py BASE_URL TOKEN RATE_PER_SECOND SECONDS"""
import json, sys, threading, time, urllib.request, urllib.error

base, token, rate, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
SEATS = ["seat-19774", "seat-19753", "seat-19777", "seat-19789"]
counts = {"n": 0, "ok": 0, "failed": 0}
lock = threading.Lock()


def worker(seat, worker_rate, start):
    url = f"{base}/api/v1/offices/{seat}"
    with urllib.request.urlopen(url) as reply:
        etag, office = reply.headers["ETag"], json.load(reply)
    spots = [(office["lon"], office["lat"]), (office["lon"] + 0.0002, office["lat"])]
    n = 0
    while time.monotonic() - start < seconds:
        lon, lat = spots[(n + 1) % 2]
        body = json.dumps({"lon": lon, "lat": lat, "position_precision": "surveyed", "reason": f"load test {n}"}).encode()
        request = urllib.request.Request(url, data=body, method="PATCH", headers={
            "Authorization": f"Bearer {token}", "If-Match": etag, "Content-Type": "application/merge-patch+json"})
        try:
            with urllib.request.urlopen(request) as reply:
                etag, ok = reply.headers["ETag"], True
        except urllib.error.HTTPError:
            etag, ok = urllib.request.urlopen(url).headers["ETag"], False
        with lock:
            counts["n"] += 1
            counts["ok" if ok else "failed"] += 1
        n += 1
        # Pace the edits: this worker's next one is due at start + n / worker_rate.
        delay = start + n / worker_rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)


start = time.monotonic()
threads = [threading.Thread(target=worker, args=(seat, rate / len(SEATS), start)) for seat in SEATS]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(counts["n"], counts["ok"], counts["failed"])
