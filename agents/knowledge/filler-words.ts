/**
 * Everyday words that people put around a question ("now the floor's gone, can you tell me...")
 * without it being about them. In a policy corpus they are rare, so inverse frequency would make
 * them look telling; they are left out of what a question is about (its focus), though they stay
 * searchable. Words a claims question can turn on (day, week, month, year, time, late, early,
 * first, new, old, value, limit, pay, cover, ...) are deliberately not here.
 */
export const FILLER_WORDS: ReadonlySet<string> = new Set([
  // how a question is framed
  "how", "much", "many", "long", "soon", "quickly", "often", "whats", "wat", "hows", "whos", "wheres", "give", "know", "knows", "knew", "please", "thanks",
  "let", "lets", "us", "can", "could", "would", "might", "ok", "okay", "yes", "yeah", "yep", "hi", "hello", "hey", "pls",
  "wondering", "wonder", "question", "quick", "im", "ive", "id", "ill", "youre", "theyre", "weve", "hes", "shes", "thats",
  "theres", "wont", "cant", "isnt", "arent", "wasnt", "dont", "doesnt", "didnt", "whether",
  // filler verbs and adverbs
  "get", "gets", "getting", "got", "gotten", "go", "goes", "going", "gone", "went", "come", "comes", "coming", "came",
  "put", "puts", "take", "takes", "took", "taken", "make", "makes", "made", "say", "says", "said", "see", "sees", "saw",
  "seen", "look", "looks", "looked", "think", "thinks", "thought", "reckon", "reckons", "reckoned", "want", "wants",
  "wanted", "like", "likes", "liked", "need", "needs", "needed", "try", "tries", "tried", "ask", "asks", "asked", "keep",
  "keeps", "kept", "count", "counts", "counted", "happen", "happens", "happened", "seem", "seems", "seemed", "guess", "mean", "means", "meant",
  "now", "then", "just", "still", "even", "really", "actually", "normally", "usually", "basically", "literally",
  "anyway", "probably", "maybe", "perhaps", "already", "yet", "ever", "never", "always", "sometimes", "again", "also",
  "round", "around", "thru", "back", "away", "right", "sure", "well", "quite", "pretty", "totally", "completely",
  // filler nouns and adjectives
  "thing", "things", "stuff", "something", "anything", "everything", "nothing", "someone", "anyone", "everyone",
  "somebody", "anybody", "lot", "lots", "load", "loads", "bit", "bits", "kind", "sort", "way", "ways", "bloke", "guy",
  "guys", "mate", "lady", "folks", "big", "huge", "little", "good", "bad", "great", "able", "last", "night", "today",
  "yesterday", "tomorrow", "morning", "evening", "afternoon", "whole", "myself", "yourself",
]);
