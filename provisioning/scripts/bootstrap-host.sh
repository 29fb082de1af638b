#!/usr/bin/env bash
# Prepares a development or CI host (Debian 12, Node 20) for Hotline.
#
#   bootstrap-host.sh run    what `npm start` needs: a C/C++ toolchain and python3,
#                            because better-sqlite3 falls back to node-gyp when its
#                            prebuilt binary cannot be downloaded (only the npm
#                            registry is reachable on the hosts we target); then npm ci;
#                            libspandsp-dev and the drivers' C libraries (echo canceller).
#   bootstrap-host.sh test   the above, plus the interop peers the hil-tests drive:
#                            sip-tester (sipp), baresip, sox and the SNMP tools.
#
# Idempotent: Debian packages are installed only when `dpkg -s` says they are missing,
# and `npm ci` runs only when node_modules is missing or older than package-lock.json.
set -euo pipefail

mode="${1:-}"
case "$mode" in
  run|test) ;;
  *) echo "usage: $0 <run|test>" >&2; exit 2 ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

say() { printf '[bootstrap] %s\n' "$*"; }

# --- Debian packages ---------------------------------------------------------
# fonts-noto-cjk: the inspection and fault-report PDFs embed Noto Sans CJK for their
# Chinese text, so the product itself needs it, not only the tests.
packages=(build-essential python3 fonts-noto-cjk)
# libspandsp-dev: the echo canceller drivers/echo builds against (the analog gateway
# cancels line echo in software where the DAHDI driver has no canceller), and the G.711
# codec of the DAHDI simulator's echo path. Needed to run, not only to test.
packages+=(libspandsp-dev)
# smartmontools: smartctl, which the monitor's disk probe runs for SMART health,
# temperature and reallocated sectors (without it the disk table stays empty).
packages+=(smartmontools)
if [ "$mode" = test ]; then
  # sipp is packaged as sip-tester; baresip pulls its core modules (g711, aufile,
  # ausine, ctrl_tcp) through baresip-core. chromium is the headless browser the
  # UI tests drive through playwright-core (never a downloaded browser build).
  packages+=(sip-tester baresip chromium)
  # poppler-utils: pdftoppm renders the inspection PDFs to PNG in the browser test.
  packages+=(poppler-utils)
  # dahdi-source ships dahdi/user.h (in /usr/src/dahdi.tar.bz2): the drivers tests
  # compile against it to check the DAHDI ioctl numbers and struct layouts.
  packages+=(dahdi-source)
  # The SNMP interop tests and bench:snmp: smilint (smitools) checks the enterprise MIB,
  # the net-snmp tools (snmp) walk the agent, snmptrapd receives its traps, and snmpd is
  # the reference agent the benchmark compares with. Debian ships no IETF MIB files
  # (snmp-mibs-downloader is non-free and downloads them), so the few base modules the
  # MIB imports live next to it in appliance/mibs/.
  packages+=(smitools snmp snmpd snmptrapd)
  # openssh-server: the backup tests start their own sshd (temp config, host key and
  # authorized key, a free port) as a subprocess to test the SFTP target; the package's
  # own system service is neither needed nor touched here.
  packages+=(openssh-server)
  # sox checks the recorder's WAV files (duration, per-channel energy) in the hil-tests.
  packages+=(sox)
  # espeak-ng speaks the default IVR prompt set (scripts/gen-prompts.mjs regenerates the
  # committed WAVs from prompts/texts.json) and the DTMF talk-off fixtures in media/test.
  packages+=(espeak-ng)
  # socat makes the pseudo-terminal pairs the serial-device hil tests (UPS, GSM modem)
  # put their simulators on.
  packages+=(socat)
  # openssl makes the throw-away certificate of the SMTP server the alarm e-mail
  # tests deliver to over STARTTLS and implicit TLS.
  packages+=(openssl)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg -s "$p" >/dev/null 2>&1; then missing+=("$p"); fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  say "Debian packages present: ${packages[*]}"
else
  say "installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo_cmd=(sudo)
    else
      echo "[bootstrap] not root and no sudo: run this as root, then retry:" >&2
      echo "  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}" >&2
      exit 1
    fi
  fi
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# --- npm dependencies --------------------------------------------------------
# node-gyp downloads Node's headers from nodejs.org unless told where they are; that
# host is not reachable here, so point it at the headers the Node package installed.
if [ -z "${npm_config_nodedir:-}" ]; then
  node_prefix="$(node -p 'require("node:path").resolve(process.execPath, "../..")')"
  if [ -f "$node_prefix/include/node/node_version.h" ]; then
    export npm_config_nodedir="$node_prefix"
  fi
fi

lock=package-lock.json
stamp=node_modules/.package-lock.json   # npm rewrites this on every install
if [ ! -f "$lock" ]; then
  say "no package-lock.json: skipping npm ci"
elif [ -d node_modules ] && [ -f "$stamp" ] && [ ! "$lock" -nt "$stamp" ]; then
  say "node_modules is up to date with $lock"
else
  say "npm ci (builds better-sqlite3; a minute or two on a small machine)"
  # allowScripts in package.json lets better-sqlite3 and esbuild run their install
  # scripts; everything else stays script-free.
  npm ci --no-audit --no-fund
fi

# better-sqlite3 must load, or every store fails at start with a less helpful error.
if ! node -e 'new (require("better-sqlite3"))(":memory:").close()' 2>/dev/null; then
  say "better-sqlite3 is not built; rebuilding it"
  npm rebuild better-sqlite3
  node -e 'new (require("better-sqlite3"))(":memory:").close()'
fi

# The DAHDI simulator library the drivers tests bind through koffi, and the software echo
# canceller the DAHDI backend binds (build-essential and libspandsp-dev above).
say "building drivers/simulator and drivers/echo"
make -s -C drivers/simulator
make -s -C drivers/echo

if [ "$mode" = test ]; then
  say "peers: $( { sipp -v 2>&1 || true; } | grep -o "SIPp v[0-9.]*" | head -1), $(command -v baresip)"
fi
say "done ($mode)"
