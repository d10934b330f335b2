#!/usr/bin/python3
"""Browser test of a node's web page (issue 10): a real 6-node cluster on loopback, headless
Chromium driven by Selenium. From node 0's page: search for a file held by node 5, see the hit
stream in, click Download, watch the progress bar reach 100 %, and find the file in the shared
list (and its SHA-256 equal to the original). Screenshots go to --screenshots (docs/ for the docs).

Usage: web_page_test.py --bin DIR (holding zonal-tracker, zonal-node, zonal) [--screenshots DIR] [--keep]
Exit status 0 on success; any failure raises (non-zero exit) with the nodes' logs kept.
"""
import argparse
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

NODES = 6
FILE_NAME = "browser-demo.bin"
FILE_BYTES = 6 * 1024 * 1024
DEADLINE_S = 240  # the whole test


class Cluster:
    """A tracker and NODES nodes with OS-chosen ports, each in its own data dir under `root`."""

    def __init__(self, bin_dir, root):
        self.bin_dir, self.root, self.procs, self.nodes = bin_dir, root, [], []

    def spawn(self, name, args):
        out = open(os.path.join(self.root, name + ".out"), "w+")
        err = open(os.path.join(self.root, name + ".log"), "w")
        p = subprocess.Popen(args, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        self.procs.append(p)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            out.seek(0)
            for line in out.read().splitlines():
                if '"ready"' in line:
                    return json.loads(line)
            if p.poll() is not None:
                raise RuntimeError(f"{name} exited with {p.returncode}; see {err.name}")
            time.sleep(0.05)
        raise RuntimeError(f"{name} not ready within 60 s; see {err.name}")

    def start(self):
        tracker = self.spawn("tracker", [os.path.join(self.bin_dir, "zonal-tracker"), "--grpc-port", "0", "--zones-count", "2",
                                         "--zones-min-size", "3", "--heartbeat-ms", "500", "--expiry-ms", "5000"])
        for i in range(NODES):
            data = os.path.join(self.root, f"node{i}")
            os.makedirs(os.path.join(data, "shared"), exist_ok=True)
            if i == NODES - 1:  # the holder: a file big enough, served slowly enough, to watch progress
                with open(os.path.join(data, "shared", FILE_NAME), "wb") as f:
                    f.write(os.urandom(FILE_BYTES))
            with open(os.path.join(data, "shared", f"notes-{i}.txt"), "w") as f:
                f.write(f"node {i}\n")
            ready = self.spawn(f"node{i}", [
                os.path.join(self.bin_dir, "zonal-node"), "--grpc-port", "0", "--rest-port", "0", "--data-dir", data,
                "--tracker-address", f"127.0.0.1:{tracker['grpc_port']}", "--node-id", str(i), "--search-timeout-ms", "1500",
                "--files-chunk-bytes", "262144", "--files-upload-rate-bytes-per-s", "2000000"])
            self.nodes.append({"id": ready["id"], "rest": ready["rest_port"], "data": data})

    def token(self, i):
        path = os.path.join(self.nodes[i]["data"], "api-token")
        return open(path).read().strip() if os.path.exists(path) else ""

    def api(self, i, path):
        req = urllib.request.Request(f"http://127.0.0.1:{self.nodes[i]['rest']}{path}")
        if self.token(i):
            req.add_header("Authorization", "Bearer " + self.token(i))
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.load(r)

    def wait_settled(self, timeout_s=60):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                epochs = {self.api(i, "/api/status")["epoch"] for i in range(NODES)}
                members = sum(len(z["members"]) for z in self.api(0, "/api/zones")["zones"])
                if len(epochs) == 1 and members == NODES:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("cluster did not settle")

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def browser(profile):
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                 f"--user-data-dir={profile}", "--window-size=1280,1000"]:
        opts.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def run(args, root):
    started = time.monotonic()
    cluster = Cluster(args.bin, root)
    driver = None
    try:
        cluster.start()
        cluster.wait_settled()
        driver = browser(os.path.join(root, "chromium-profile"))
        driver.set_page_load_timeout(30)
        wait = WebDriverWait(driver, 60, poll_frequency=0.05)
        node0 = cluster.nodes[0]
        # `zonal ui` prints the page's URL (with the token when the node has one).
        ui = subprocess.run([os.path.join(args.bin, "zonal"), "--node", f"127.0.0.1:{node0['rest']}", "ui"],
                            capture_output=True, text=True, timeout=30, env={**os.environ, "ZONAL_REST_TOKEN": cluster.token(0)})
        assert ui.returncode == 0, ui.stderr
        url = ui.stdout.splitlines()[0]
        assert url.startswith(f"http://127.0.0.1:{node0['rest']}/"), url
        driver.get(url)
        wait.until(lambda d: d.find_element(By.ID, "node-id").text == str(node0["id"]))
        wait.until(lambda d: "zone" in d.find_element(By.ID, "status-line").text)
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#peers tbody tr")) == NODES)
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#files tr[data-name='notes-0.txt']"))
        assert not driver.find_elements(By.CSS_SELECTOR, f"#files tr[data-name='{FILE_NAME}']"), "file shared before download"

        # Search from the page: hits appear in the table.
        driver.find_element(By.ID, "search-name").send_keys(FILE_NAME)
        driver.find_element(By.ID, "search-go").click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#hits tr.hit button.download"))
        holders = driver.execute_script(
            "return [...document.querySelectorAll('#hits tr.hit')].map(r => r.cells[0].textContent);")
        assert str(cluster.nodes[-1]["id"]) in holders, f"no hit names the holder: {holders!r}"
        wait.until(lambda d: "hit(s)" in d.find_element(By.ID, "search-state").text)
        if args.screenshots:
            driver.save_screenshot(os.path.join(args.screenshots, "web-page-search.png"))

        # Download: the progress bar moves and reaches 100 %.
        driver.find_element(By.CSS_SELECTOR, "#hits tr.hit button.download").click()
        item = f"#downloads li[data-name='{FILE_NAME}']"
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, item))
        percents = set()
        shot_mid = False

        def finished(d):
            nonlocal shot_mid
            # One read in the page: the list is re-rendered as progress arrives.
            state = d.execute_script(
                "const e = document.querySelector(arguments[0]);"
                "return e ? [Number(e.dataset.percent), e.className, e.textContent] : null;", item)
            if state is None:
                return False
            pct, cls, text = state
            percents.add(pct)
            if 20 <= pct <= 80 and not shot_mid and args.screenshots:
                d.save_screenshot(os.path.join(args.screenshots, "web-page-download.png"))
                shot_mid = True
            if "failed" in cls:
                raise AssertionError("download failed: " + text)
            return pct == 100 and "done" in cls

        wait.until(finished)
        valuenow = driver.execute_script("return document.querySelector(arguments[0]).getAttribute('aria-valuenow');",
                                         item + " .bar")
        assert valuenow == "100", valuenow
        assert any(0 < p < 100 for p in percents), f"progress never seen between 0 and 100: {sorted(percents)}"

        # The file appears in the shared list, with the holder's content.
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, f"#files tr[data-name='{FILE_NAME}']"))
        got = sha256_of(os.path.join(node0["data"], "shared", FILE_NAME))
        want = sha256_of(os.path.join(cluster.nodes[-1]["data"], "shared", FILE_NAME))
        assert got == want, "downloaded content differs"
        # The live event feed shows the download.
        wait.until(lambda d: "download.completed" in d.find_element(By.ID, "events").text)
        if args.screenshots:
            driver.save_screenshot(os.path.join(args.screenshots, "web-page.png"))
        print(f"web page test passed in {time.monotonic() - started:.1f} s (progress seen: {sorted(percents)})")
    finally:
        if driver is not None:
            try:
                driver.quit()
            except WebDriverException:
                pass
        cluster.stop()
    if time.monotonic() - started > DEADLINE_S:
        raise AssertionError(f"took {time.monotonic() - started:.0f} s, over the {DEADLINE_S} s bound")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", required=True, help="directory holding zonal-tracker, zonal-node and zonal")
    ap.add_argument("--screenshots", help="directory for PNG screenshots (e.g. docs/)")
    ap.add_argument("--keep", action="store_true", help="keep the cluster's directory (logs) even on success")
    args = ap.parse_args()
    root = tempfile.mkdtemp(prefix="zonal-web-")
    try:
        run(args, root)
    except BaseException:
        print(f"web page test FAILED; logs in {root}", file=sys.stderr)
        raise
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
