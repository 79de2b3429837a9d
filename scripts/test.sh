#!/usr/bin/env bash
# The whole test suite (what CI runs), in two runs of one build. Swift
# Testing runs every test at once on a pool of one thread per core, and an
# end-to-end test holds its thread while pygrade runs: on two cores the
# service's tests (a node, a long-poll, a callback receiver, which need the
# pool to make progress) waited minutes for a thread and timed out. So the
# grader's tests run first, then the queue's and the service's, each run
# with the machine to itself. Last, alone, the test that kills a node's
# workers a few seconds into a job: on a loaded machine a kill could land in
# a worker's start-up, which fails an attempt differently from a kill
# mid-job. Any run failing fails the whole.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
service='^(ServiceTests|PygradeQueueTests)\.'
alone='^ServiceTests\.NodeRestartTests/'
status=0
swift test --skip-build --skip "$service" || status=$?
swift test --skip-build --filter "$service" --skip "$alone" || status=$?
swift test --skip-build --filter "$alone" || status=$?
exit "$status"
