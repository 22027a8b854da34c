// The join page's check of a display name: the server's rules (dev.bpflab.rooms.JoinName), said before sending, so
// a name is never silently cut or altered.
export const MAX_NAME_CHARS = 40;
// Controls, format characters (text-direction overrides such as U+202E, zero-width spaces), private use and lone
// surrogates; zero-width joiners (U+200C, U+200D) stay, scripts and emoji need them.
const INVISIBLE = /(?![\u200C\u200D])[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/u;

/**
 * The name as it will be kept (spaces folded), and the problem with it (null when it is fine) and its kind: 'empty',
 * 'invisible' (with `character`, "U+202E"), 'length' (with `length`) or 'letter'; the page may say the kind in
 * another language.
 */
export function checkJoinName(typed) {
  const name = String(typed ?? '').trim().replace(/[\s\u00A0]+/g, ' ');
  if (!name) return { name, kind: 'empty', problem: `Type a display name, up to ${MAX_NAME_CHARS} characters.` };
  const invisible = name.match(INVISIBLE);
  if (invisible) {
    const code = invisible[0].codePointAt(0).toString(16).toUpperCase().padStart(4, '0');
    return { name, kind: 'invisible', character: `U+${code}`,
      problem: `The name holds an invisible character (U+${code}) that changes how text shows; type the name again without it.` };
  }
  const length = [...name].length;
  if (length > MAX_NAME_CHARS) {
    return { name, kind: 'length', length, problem: `A name may be at most ${MAX_NAME_CHARS} characters; this one has ${length}. Shorten it.` };
  }
  if (!/\p{L}/u.test(name)) {
    return { name, kind: 'letter', problem: 'A name needs at least one letter, so your instructor can tell who you are (numbers or symbols alone are not a name).' };
  }
  return { name, kind: null, problem: null };
}
