// zxcvbn 4.4.2's matcher module (lib/matching.js, CommonJS): the part lib/passwords/dictionary-match.mjs uses.
declare module 'zxcvbn/lib/matching.js' {
  type RankedDictionary = Record<string, number>;
  type DictionaryMatch = {
    pattern: 'dictionary';
    i: number;
    j: number;
    token: string;
    matched_word: string;
    rank: number;
    dictionary_name: string;
    reversed: boolean;
    l33t: boolean;
  };
  const matching: {
    dictionary_match(
      password: string,
      rankedDictionaries?: Record<string, RankedDictionary>,
    ): DictionaryMatch[];
    reverse_dictionary_match(
      password: string,
      rankedDictionaries?: Record<string, RankedDictionary>,
    ): DictionaryMatch[];
    sorted<T>(matches: T[]): T[];
    set_user_input_dictionary(words: string[]): RankedDictionary;
  };
  export default matching;
}
