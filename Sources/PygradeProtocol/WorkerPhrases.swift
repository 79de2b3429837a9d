/// How the worker words a budget or a flood (JobRunner): defined once,
/// here, for the worker that writes them and CandidateText that checks them.
public enum WorkerPhrases {
    public static let budget = "ran past the exercise's wall budget"
    public static let notRunBudget = "not run: the exercise ran past its wall budget"
    public static let flood = "sent more result data than allowed"
    public static let notRunFlood = "not run: the exercise sent more result data than allowed"
}
