/**
 * English function words dropped from the index and from queries: they match nearly every
 * passage, so under BM25 they add noise, not evidence.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
  "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
  "but", "by", "can", "cannot", "cant", "could", "did", "didnt", "do", "does", "doesnt",
  "doing", "dont", "down", "during", "each", "eg", "etc", "few", "for", "from", "further",
  "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself",
  "his", "how", "i", "ie", "if", "in", "into", "is", "isnt", "it", "its", "itself", "just",
  "may", "me", "might", "more", "most", "must", "my", "myself", "no", "nor", "not", "of",
  "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own",
  "same", "shall", "she", "should", "so", "some", "such", "than", "that", "the", "their",
  "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those",
  "through", "to", "too", "under", "until", "up", "upon", "very", "was", "we", "were", "what",
  "when", "where", "which", "while", "who", "whom", "whose", "why", "will", "with", "within",
  "without", "wont", "would", "you", "your", "yours", "yourself", "yourselves",
]);
