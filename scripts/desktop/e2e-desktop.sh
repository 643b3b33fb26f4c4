#!/usr/bin/env bash
# End-to-end test of the production desktop binary in a real GTK/WebKit window
# under Xvfb, driven with xdotool like a user would:
#   1. cold start: launch time to the window and to the frontend's first paint;
#   2. type a broken policy into Validate (the editor has focus on start), then
#      a valid one; screenshots of both states;
#   3. navigate with the native View menu accelerators (Ctrl+5, Ctrl+4, Ctrl+2),
#      save with Ctrl+S and open with Ctrl+O through the GTK file dialogs, then
#      Edit → Select All, Copy, Cut and Paste in the editor (checked on the
#      X clipboard and on the screen);
#   4. a second instance refuses to start ("already running") while the first runs;
#   5. resize and move the window, quit with Ctrl+Q (the process must exit),
#      start again: size and position were remembered; open Help → About and
#      send SIGTERM while that dialog is open: the process must exit cleanly.
# Screenshots go to OUT (test-results/): desktop.png is the Validate page with
# canonical output. Fails when a step's screen does not change as it must.
#
# Usage: scripts/desktop/e2e-desktop.sh build/bin/aegis-iam [test-results]
set -euo pipefail

BIN=$(realpath "${1:?usage: $0 BINARY [OUTDIR]}")
OUT=${2:-test-results}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$OUT"
OUT=$(realpath "$OUT")

for tool in Xvfb xdotool xclip import compare identify; do
  command -v "$tool" >/dev/null || { echo "e2e-desktop: $tool is missing (make desktop-deps)" >&2; exit 2; }
done

work=$(mktemp -d -t aegis-e2e-desktop.XXXXXX)
APP= XPID=
cleanup() {
  [ -n "$APP" ] && stop
  [ -n "$XPID" ] && kill "$XPID" 2>/dev/null && wait "$XPID" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# An isolated user: fresh database, fresh WebKit caches (a true cold start),
# the AWS profiles fixture.
export AEGIS_IAM_DATA_DIR="$work/data" XDG_CACHE_HOME="$work/cache" XDG_DATA_HOME="$work/share" XDG_CONFIG_HOME="$work/config"
export AWS_CONFIG_FILE="$ROOT/testdata/aws/config" AWS_SHARED_CREDENTIALS_FILE="$ROOT/testdata/aws/credentials"
# No D-Bus session here: keep GSettings (the file chooser's state) in memory
# instead of dconf, and tell GTK not to look for the accessibility bus.
export NO_AT_BRIDGE=1 GTK_THEME=Adwaita GSETTINGS_BACKEND=memory

fail() { echo "FAIL: $*" >&2; [ -f "$work/app.log" ] && sed 's/^/  app: /' "$work/app.log" >&2; exit 1; }
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
# await_window TITLE SECONDS: print the first visible window titled exactly
# TITLE, polling every 0.1 s. One `xdotool search` walks the whole window tree
# and dies on an X error when a window (a menu, a tooltip) vanishes during the
# walk, so a single `search --sync` can give up early: poll instead.
await_window() {
  local deadline=$(( $(date +%s) + $2 )) id
  while [ "$(date +%s)" -lt "$deadline" ]; do
    id=$(xdotool search --onlyvisible --name "^$1\$" 2>/dev/null | head -1) || true
    [ -n "$id" ] && { echo "$id"; return 0; }
    sleep 0.1
  done
  return 1
}

# Xvfb picks a free display number and writes it to fd 3.
exec 3>"$work/display"
Xvfb -displayfd 3 -screen 0 1440x900x24 -nolisten tcp >/dev/null 2>&1 &
XPID=$!
for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.05; done
export DISPLAY=":$(cat "$work/display")"

# launch starts the app and waits for its window and first painted frame; it
# sets WIN and prints the timings.
launch() {
  local label=$1 t0 twin
  : >"$work/app.log"
  t0=$(date +%s%N)
  # Its own session and process group, so stop can end the WebKit helper processes too.
  setsid "$BIN" >"$work/app.log" 2>&1 &
  APP=$!
  WIN=$(await_window 'Aegis IAM' 60) || fail "$label: no window within 60 s"
  twin=$(ms "$t0")
  for _ in $(seq 3000); do grep -aq 'first paint' "$work/app.log" && break; kill -0 "$APP" 2>/dev/null || fail "$label: app exited"; sleep 0.02; done
  grep -aq 'first paint' "$work/app.log" || fail "$label: no first paint within 60 s"
  local phases
  phases=$(for m in startup 'dom ready' 'first paint'; do
    printf '%s %s, ' "$m" "$(grep -a "msg=\"\?$m" "$work/app.log" | grep -o 'since_start=[0-9.a-z]*' | cut -d= -f2)"
  done)
  echo "$label: window mapped after ${twin} ms, first paint seen after $(ms "$t0") ms (Go clock: ${phases%, })"
}

# stop ends the app (SIGTERM: Wails shuts down cleanly) and its WebKit
# helpers, and waits until the whole process group is gone.
stop() {
  kill -TERM "$APP" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 -- "-$APP" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$APP" 2>/dev/null || true
  APP=
}

# shot NAME: screenshot the window once it is still. Typing into WebKit under
# Xvfb (software rendering) lags behind xdotool, and the policy is checked
# 350 ms after the last key, so wait until two successive captures 0.4 s
# apart match, ignoring the blinking caret (under 100 pixels). Max ~40 s (a
# machine busy with other builds can take that long to catch up with typing).
shot() {
  local prev="$work/prev.png" cur="$OUT/$1.png" n stable=0
  import -window "$WIN" "$prev"
  for _ in $(seq 100); do
    sleep 0.4
    import -window "$WIN" "$cur"
    n=$(compare -metric AE -fuzz 6% "$prev" "$cur" null: 2>&1 || true)
    n=${n%% *}
    if [ "${n%.*}" -lt 100 ]; then
      stable=$((stable + 1))
      [ "$stable" -ge 2 ] && return 0
    else
      stable=0
    fi
    cp "$cur" "$prev"
  done
  echo "warning: $1 never settled" >&2
}

# type_lines types stdin line by line: xdotool types a newline as Linefeed,
# which a textarea ignores, so each line ends with a real Return.
type_lines() {
  local line
  while IFS= read -r line; do
    xdotool type --delay 4 "$line"
    xdotool key Return
  done
}

# pixels A B REGION: how many pixels of REGION (WxH+X+Y) differ between two screenshots.
pixels() {
  local n
  n=$(compare -metric AE -fuzz 6% -extract "$3" "$1" "$2" null: 2>&1 || true)
  n=${n%% *}
  echo "${n%.*}"
}

# change NAME BASE REGION: wait (up to 30 s: WebKit under Xvfb renders in
# software and may lag on a loaded machine) until REGION of the window no
# longer looks like screenshot BASE, then take screenshot NAME once it is still.
change() {
  local cur="$work/poll.png"
  for _ in $(seq 75); do
    import -window "$WIN" "$cur"
    if [ "$(pixels "$OUT/$2.png" "$cur" "$3")" -gt 2000 ]; then
      shot "$1"
      return 0
    fi
    sleep 0.4
  done
  fail "$1: the screen did not change from $2 in $3"
}

# --- 1. cold start (empty caches), then two warm starts ----------------------
launch "cold start"
stop
launch "warm start 1"
stop
launch "warm start 2"
geom=$(xdotool getwindowgeometry "$WIN" | awk '/Geometry/ {print $2}')
W=${geom%x*} H=${geom#*x}
[ "$W" -ge 960 ] && [ "$H" -ge 640 ] || fail "window is ${geom}, want at least 960x640"
right="$((W / 2))x$((H - 200))+$((W / 2))+150" # the Result panel
shot start

# --- 2. Validate: a broken policy, then a valid one --------------------------
xdotool windowfocus "$WIN" 2>/dev/null || true
sleep 0.2
xdotool mousemove --window "$WIN" $((W * 41 / 100)) $((H * 65 / 100)) click 1
type_lines <<'POLICY'
{"Version": "2012-10-17",
 "Statement": [
  {"Effect": "Allw", "Action": "s3:GetObject", "Resource": "*"},
  {"Effect": "Deny", "Action": "iam:*", "Resource": "*",}
 ]}
POLICY
change validate-errors start "$right"

xdotool key ctrl+a BackSpace
type_lines <<'POLICY'
{"Statement": [{"Effect": "Allow",
  "Action": ["s3:ListBucket", "s3:GetObject"],
  "Resource": ["arn:aws:s3:::reports",
               "arn:aws:s3:::reports/*"],
  "Condition": {"Bool": {"aws:SecureTransport": "true"}}}],
 "Version": "2012-10-17"}
POLICY
change desktop validate-errors "$right"

# --- 3. native menu accelerators --------------------------------------------
page="$((W - 300))x$((H - 100))+280+60"
xdotool key ctrl+5
change desktop-settings desktop "$page"
xdotool key ctrl+4
change desktop-history desktop-settings "$page"
xdotool key ctrl+2
change desktop-back desktop-history "$page"
header="$((W - 300))x120+280+60"
[ "$(pixels "$OUT/desktop.png" "$OUT/desktop-back.png" "$header")" -lt 100 ] || fail "Ctrl+2 did not come back to Validate"
rm -f "$OUT/desktop-back.png" "$OUT/start.png"

colours=$(identify -format '%k' "$OUT/desktop.png")
[ "$colours" -gt 500 ] || fail "desktop.png has only $colours colours: the window looks empty"
echo "desktop.png: ${W}x${H}, $colours colours"

# --- 3b. File → Save and File → Open through the native GTK dialogs ---------
# dialog TITLE: wait for the dialog window and focus it (there is no window
# manager to do that); sets DLG.
dialog() {
  DLG=$(await_window "$1" 30) || true
  [ -n "$DLG" ] || fail "no '$1' dialog"
  sleep 0.5
  xdotool windowfocus "$DLG" 2>/dev/null || true
  sleep 0.3
}
# closed TITLE: wait up to 10 s until no window has that title. A dialog
# drawn over the main window also changes its screenshots, so every step
# that goes through a dialog checks that the dialog is gone.
closed() {
  for _ in $(seq 50); do
    xdotool search --onlyvisible --name "^$1\$" >/dev/null 2>&1 || return 0
    sleep 0.2
  done
  return 1
}
# choose TITLE PATH: type PATH into the file chooser's location entry and
# accept it. The entry completes file names in the background: typing Return
# before it settles can leave the dialog open, so wait a moment first.
choose() {
  xdotool type --delay 4 "$2"
  sleep 0.6
  xdotool key Return
  closed "$1" || fail "the '$1' dialog did not accept $2"
}
xdotool windowfocus "$WIN" 2>/dev/null || true
xdotool key ctrl+s
dialog 'Save Policy'
xdotool key ctrl+a
choose 'Save Policy' "$work/saved.json"
for _ in $(seq 50); do [ -s "$work/saved.json" ] && break; sleep 0.2; done
grep -q '"s3:ListBucket"' "$work/saved.json" 2>/dev/null || fail "Ctrl+S did not save the canonical policy"
echo "saved through the GTK dialog: $(wc -l <"$work/saved.json") lines"

printf '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:GetCallerIdentity","Resource":"*"}]}' >"$work/opened.json"
xdotool windowfocus "$WIN" 2>/dev/null || true
xdotool key ctrl+o
dialog 'Open Policy'
xdotool key ctrl+l
sleep 0.3
choose 'Open Policy' "$work/opened.json"
change desktop-opened desktop "$right"
echo "opened through the GTK dialog"

# --- 3c. the Edit menu: Select All, Copy, Cut, Paste in the policy editor ----
# menu_item MENU N: the Nth item of a menu, by keyboard as a user without a
# mouse would: F10 opens the menu bar on File, Right/Left move to the menu.
menu_item() {
  xdotool key F10
  sleep 0.3
  case $1 in
    edit) xdotool key Right ;;
    help) xdotool key Left ;;
  esac
  sleep 0.3
  for _ in $(seq "$2"); do xdotool key Down; done
  sleep 0.2
  xdotool key Return
  sleep 0.5
}
# same NAME BASE REGION: wait (up to 30 s) until REGION looks like BASE again.
same() {
  local cur="$OUT/$1.png"
  for _ in $(seq 75); do
    import -window "$WIN" "$cur"
    [ "$(pixels "$OUT/$2.png" "$cur" "$3")" -lt 100 ] && return 0
    sleep 0.4
  done
  fail "$1: the screen did not come back to $2 in $3"
}
clipboard() { timeout 5 xclip -o -selection clipboard 2>/dev/null || true; }
policy=$(cat "$work/opened.json")
xdotool windowfocus "$WIN" 2>/dev/null || true
xdotool mousemove --window "$WIN" $((W * 41 / 100)) $((H * 65 / 100)) click 1 # the caret goes to the end
printf 'not the policy' | xclip -selection clipboard
shot edit-focused
menu_item edit 6 # Select All
menu_item edit 4 # Copy
[ "$(clipboard)" = "$policy" ] || fail "Edit → Select All, Copy: the clipboard holds '$(clipboard)', want the policy"
menu_item edit 6 # Select All
menu_item edit 3 # Cut
change edit-cut edit-focused "$page"
[ "$(clipboard)" = "$policy" ] || fail "Edit → Cut: the clipboard holds '$(clipboard)', want the policy"
menu_item edit 5 # Paste
same edit-pasted edit-focused "$page"
rm -f "$OUT/edit-focused.png" "$OUT/edit-pasted.png"
echo "Edit menu: Select All, Copy, Cut and Paste went through the clipboard and back"

# --- 4. a second instance refuses to start -----------------------------------
timeout -s KILL 90 "$BIN" >"$work/second.log" 2>&1 &
SECOND=$!
DIALOG=$(await_window 'Aegis IAM is already running' 50) || true
[ -n "$DIALOG" ] || fail "second instance: no 'already running' dialog: $(cat "$work/second.log")"
# Dismiss it with real key presses (XTest): GTK ignores synthetic (XSendEvent) ones.
for _ in $(seq 20); do
  kill -0 "$SECOND" 2>/dev/null || break
  xdotool windowfocus "$DIALOG" 2>/dev/null && sleep 0.2 && xdotool key Return 2>/dev/null
  sleep 0.5
done
rc=0
wait "$SECOND" || rc=$?
[ "$rc" -eq 1 ] || fail "second instance exited with $rc, want 1: $(cat "$work/second.log")"
grep -q 'already running' "$work/second.log" || fail "second instance did not say it is already running: $(cat "$work/second.log")"
echo "second instance: refused with a dialog and exit code 1"

# --- 5. quitting: Ctrl+Q, the geometry remembered, SIGTERM over a dialog ----
# exited HOW: the app must exit by itself within 10 s with status 0, and its
# WebKit helper processes (same process group) with it.
exited() {
  local t0 rc=0
  t0=$(date +%s%N)
  for _ in $(seq 100); do kill -0 "$APP" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$APP" 2>/dev/null && fail "$1: the app is still running after 10 s"
  wait "$APP" || rc=$?
  [ "$rc" -eq 0 ] || fail "$1: the app exited with status $rc, want 0"
  echo "$1: exited with status 0 after $(ms "$t0") ms"
  for _ in $(seq 50); do kill -0 -- "-$APP" 2>/dev/null || break; sleep 0.1; done
  kill -0 -- "-$APP" 2>/dev/null && fail "$1: WebKit helper processes outlived the app"
  APP=
}
# position: the window's X,Y on the screen.
position() { xdotool getwindowgeometry "$WIN" | awk '/Position/ {print $2}'; }
size() { xdotool getwindowgeometry "$WIN" | awk '/Geometry/ {print $2}'; }

xdotool windowsize "$WIN" 1100 700
xdotool windowmove "$WIN" 60 40
sleep 1
[ "$(size)" = 1100x700 ] || fail "xdotool could not resize the window: $(size)"
want_pos=$(position)
xdotool windowfocus "$WIN" 2>/dev/null || true
sleep 0.2
xdotool key ctrl+q
exited "Ctrl+Q"

launch "restart"
[ "$(size)" = 1100x700 ] || fail "restart: the window is $(size), want the remembered 1100x700"
[ "$(position)" = "$want_pos" ] || fail "restart: the window is at $(position), want the remembered $want_pos"
echo "restart: size 1100x700 and position $want_pos remembered"

# Help → About, then SIGTERM while its modal dialog is open: the app must
# end the dialog and exit (a nested GTK dialog loop used to keep it alive).
xdotool windowfocus "$WIN" 2>/dev/null || true
menu_item help 1
dialog 'About Aegis IAM'
import -window "$DLG" "$OUT/desktop-about.png"
kill -TERM "$APP"
exited "SIGTERM with the About dialog open"

[ "$(stat -c %a "$AEGIS_IAM_DATA_DIR/aegis.db")" = 600 ] || fail "database mode is $(stat -c %a "$AEGIS_IAM_DATA_DIR/aegis.db"), want 600"
echo "PASS e2e-desktop: screenshots in $OUT (desktop.png, validate-errors.png, desktop-settings.png, desktop-history.png, desktop-opened.png, edit-cut.png, desktop-about.png)"
