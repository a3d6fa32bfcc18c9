# tests/tui/lib.sh -- helpers of the terminal tests: the ncurses console
# runs inside a detached tmux server of its own (own socket, no user
# configuration), keys go in with send-keys, the screen comes back with
# capture-pane.  Source it after tests/lib/common.sh.
#
#   tui_start W H CMD...   run CMD (words, quoted for sh) in a W x H pane;
#                          its exit status lands in $T/status
#   tui_keys KEY...        tmux send-keys
#   tui_type TEXT          type TEXT literally
#   tui_screen             capture the pane into $T/screen
#   tui_wait PATTERN [WHAT]  capture until grep -E PATTERN matches, a
#                          bounded number of times, else fail
#   tui_wait_gone PATTERN  the same until PATTERN has gone
#   tui_wait_exit          wait until CMD has exited; prints its status

command -v tmux >/dev/null 2>&1 || skip "tmux not installed (Debian package tmux)"

TUI_SOCK=smtpscope-test-$$
# Waits on the screen are bounded as the servers' are ($SERVER_WAIT s of
# common.sh): a try every 0.05 s at least.
TUI_TRIES=${TUI_TRIES:-$((SERVER_WAIT * 20))}

tmx() { tmux -L "$TUI_SOCK" -f /dev/null "$@"; }

# Kill this test's tmux server at exit, then the common cleanup.
trap 'tmx kill-server >/dev/null 2>&1; _cleanup' EXIT

tui_start() {
	_w=$1 _h=$2
	shift 2
	cat >"$T/run.sh" <<RUN
TERM=xterm-256color; LANG=C.UTF-8; LC_ALL=C.UTF-8
export TERM LANG LC_ALL
unset NO_COLOR
$*
echo \$? >"$T/status"
RUN
	# remain-on-exit: what a console printed as it left stays there
	# to be captured.  A server just killed (a test's second start) may
	# still be going away on the socket: then the start fails, and is
	# tried again once it has gone.
	_i=0
	until tmx new-session -d -x "$_w" -y "$_h" "sh $T/run.sh" \; \
	    set-option -g remain-on-exit on >/dev/null 2>"$T/tmux.err"; do
		_i=$((_i + 1))
		[ $_i -lt 100 ] || { LAST_OUT=$T/tmux.err;
		    fail "tmux new-session failed"; }
		sleep 0.1
	done
}

tui_keys() { tmx send-keys -t 0 "$@"; }
tui_type() { tmx send-keys -t 0 -l -- "$1"; }

tui_screen() {
	tmx capture-pane -p -t 0 >"$T/screen" 2>/dev/null || : >"$T/screen"
}

tui_wait() {
	_i=0
	while [ $_i -lt "$TUI_TRIES" ]; do
		tui_screen
		grep -Eq -- "$1" "$T/screen" && return 0
		if [ -f "$T/status" ]; then
			# The program has gone; what it printed last may not
			# be read by tmux yet: look once more when its pane is
			# dead (tmux has read the pty to its end).
			_j=0
			while [ $_j -lt "$TUI_TRIES" ] && [ "$(tmx display -p \
			    -t 0 '#{pane_dead}' 2>/dev/null)" != 1 ]; do
				sleep 0.05
				_j=$((_j + 1))
			done
			tui_screen
			grep -Eq -- "$1" "$T/screen" && return 0
			break
		fi
		sleep 0.05
		_i=$((_i + 1))
	done
	LAST_OUT=$T/screen
	fail "${2:-screen never showed /$1/}"
}

tui_wait_exit() {
	_i=0
	while [ $_i -lt "$TUI_TRIES" ] && [ ! -s "$T/status" ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	[ -s "$T/status" ] || { tui_screen; LAST_OUT=$T/screen; fail "the console did not exit"; }
	cat "$T/status"
}

# Line number of the first line matching PATTERN in $T/screen.
tui_line() { grep -nE -- "$1" "$T/screen" | head -n 1 | cut -d: -f1; }

# Capture until PATTERN is no longer on the screen (bounded), else fail.
tui_wait_gone() {
	_i=0
	while [ $_i -lt "$TUI_TRIES" ]; do
		tui_screen
		grep -Eq -- "$1" "$T/screen" || return 0
		sleep 0.05
		_i=$((_i + 1))
	done
	LAST_OUT=$T/screen
	fail "${2:-screen kept showing /$1/}"
}
