#!/usr/bin/env bash
# The whole test suite (what CI runs), in two runs of one build. Swift
# Testing runs every test at once on a pool of one thread per core, and an
# end-to-end test holds its thread while pygrade runs: on two cores the
# service's tests (a node, a long-poll, a callback receiver, which need the
# pool to make progress) waited minutes for a thread and timed out. So the
# grader's tests run first, then the queue's and the service's, each run
# with the machine to itself. Last, alone, the two tests that time a
# deadline of a running service (the HTTP idle time-out, a worker killed
# mid-job): in CI's service run, among 129 tests, the server still held
# the idle test's half-sent request after 90 s (30 s is its time-out), and
# the restart test never saw an attempt that ran 30 s; each passes on its
# own (not explained yet: the notes of issue 15). Any run failing fails the
# whole.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
service='^(ServiceTests|PygradeQueueTests)\.'
alone='^ServiceTests\.(AttackIdleTests|NodeRestartTests)/'
status=0
swift test --skip-build --skip "$service" || status=$?
swift test --skip-build --filter "$service" --skip "$alone" || status=$?
swift test --skip-build --filter "$alone" || status=$?
exit "$status"
