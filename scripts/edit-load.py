#!/usr/bin/env python3
"""Edits the office registry at a steady rate while a read load runs: moves Kim Long's seat
back and forth between two surveyed positions inside the ward, each PATCH with the If-Match
of the previous answer. Stops after SECONDS and prints "edits ok failed".

Usage: edit-load.py BASE_URL TOKEN RATE_PER_SECOND SECONDS"""
import json, sys, time, urllib.request, urllib.error

base, token, rate, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
url = base + "/api/v1/offices/seat-19774"
etag = urllib.request.urlopen(url).headers["ETag"]
spots = [(107.5600, 16.4610), (107.5610, 16.4605)]
ok = failed = 0
start = time.monotonic()
n = 0
while time.monotonic() - start < seconds:
    lon, lat = spots[n % 2]
    body = json.dumps({"lon": lon, "lat": lat, "position_precision": "surveyed", "reason": f"load test edit {n}"}).encode()
    request = urllib.request.Request(url, data=body, method="PATCH", headers={
        "Authorization": f"Bearer {token}", "If-Match": etag, "Content-Type": "application/merge-patch+json"})
    try:
        with urllib.request.urlopen(request) as reply:
            etag = reply.headers["ETag"]
            ok += 1
    except urllib.error.HTTPError as error:
        failed += 1
        etag = urllib.request.urlopen(url).headers["ETag"]
    n += 1
    # Pace the edits: the next one is due at start + n / rate.
    delay = start + n / rate - time.monotonic()
    if delay > 0:
        time.sleep(delay)
print(n, ok, failed)
