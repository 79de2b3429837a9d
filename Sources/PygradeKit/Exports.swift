// PygradeKit's own API speaks the protocol's types (a report's TestStatus,
// a grade's JobResponse, a PyValue to show): re-exported, so that whoever
// imports PygradeKit (the command, the tests) has them without a second
// import, as before the protocol became a target of its own.
@_exported import PygradeProtocol
