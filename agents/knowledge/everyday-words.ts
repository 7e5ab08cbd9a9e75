/**
 * Informal words people write in a claim or a question, each with the word a policy document
 * uses for the same thing ("my telly got nicked" is a stolen television). Read at index and query
 * time alike, as the stemmer's irregular forms are, so the informal word finds the formal one and
 * costs nothing more to search. Only words with one everyday meaning are here: a word a document
 * might use in its own sense ("motor", "flat", "bust" of a pipe) is left to the glossary, whose
 * phrases are the pack's own.
 */
export const EVERYDAY_WORDS: ReadonlyMap<string, string> = new Map([
  // things
  ["telly", "television"],
  ["tellies", "television"],
  ["tv", "television"],
  ["tvs", "television"],
  ["bike", "bicycle"],
  ["bikes", "bicycle"],
  ["pushbike", "bicycle"],
  ["specs", "glasses"],
  ["quid", "pounds"],
  ["grand", "thousand"],
  ["nite", "night"],
  ["tonite", "tonight"],
  ["mins", "minutes"],
  ["hols", "holiday"],
  ["hubby", "husband"],
  ["uni", "student"],
  ["cops", "police"],
  ["coppers", "police"],
  // what happened
  ["nicked", "stolen"],
  ["pinched", "stolen"],
  ["nabbed", "stolen"],
  ["swiped", "stolen"],
  ["burgled", "burglary"],
  ["burgling", "burglary"],
  ["smashed", "broken"],
  ["knackered", "broken"],
  ["wrecked", "damaged"],
  ["trashed", "damaged"],
  ["ruined", "damaged"],
  ["unliveable", "uninhabitable"],
  ["prang", "collision"],
  ["pranged", "collision"],
  ["shunt", "collision"],
  ["dodgy", "suspicious"],
  ["skint", "hardship"],
  ["unlivable", "uninhabitable"],
]);
