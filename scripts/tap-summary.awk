# Sum TAP streams into one verdict.
#
# Input: suites, each framed by "# swmmu-suite-begin NAME" and "# swmmu-suite-end NAME rc=N",
# holding TAP lines ("1..N", "ok N - x", "not ok N - x", "ok N - x # SKIP why"). A suite that
# exits non-zero without reporting a failure, runs fewer tests than it planned, or never reaches
# its end marker (crash, timeout) counts as one more failure.
# Output: one line per failure or skip, one line per suite, then "N passed, N failed, N skipped".

function close_suite(rc,    why) {
	why = ""
	if (rc == "")
		why = "did not finish"
	else if (plan != "" && plan + 0 != spass + sfail + sskip)
		why = sprintf("ran %d of %d planned tests (exit status %s)", spass + sfail + sskip, plan, rc)
	else if (rc + 0 != 0 && sfail == 0)
		why = "exited with status " rc
	else if (plan == "" && spass + sfail + sskip == 0)
		why = "reported no tests"
	if (why != "") {
		sfail++
		printf("FAIL  %s: %s\n", suite, why)
	}
	printf("suite %-28s %4d passed, %d failed, %d skipped\n", suite, spass, sfail, sskip)
	pass += spass; fail += sfail; skip += sskip
	suite = ""
}

{ sub(/\r$/, "") }

/^# swmmu-suite-begin / {
	if (suite != "")
		close_suite("")
	suite = $3; plan = ""; spass = sfail = sskip = 0
	next
}
/^# swmmu-suite-end / {
	if (suite == "")
		next
	rc = $4; sub(/^rc=/, "", rc)
	close_suite(rc)
	next
}
suite == "" { next }
/^1\.\.[0-9]+/ { if (plan == "") { plan = $0; sub(/^1\.\./, "", plan); sub(/[^0-9].*/, "", plan) } next }
/^not ok/ { sfail++; printf("FAIL  %s: %s\n", suite, $0); next }
/^ok/ {
	if (tolower($0) ~ /# skip/) { sskip++; printf("SKIP  %s: %s\n", suite, $0) }
	else spass++
	next
}
END {
	if (suite != "")
		close_suite("")
	line = sprintf("%d passed, %d failed", pass, fail)
	if (skip)
		line = line sprintf(", %d skipped", skip)
	print line
	exit(fail > 0)
}
