/**
 * Sorts in place by `less` (a strict order; equal items keep no particular
 * order). A record's maps hold a handful of keys, and Array#sort allocates
 * its merge state (close to 1 KB) per call: with one sort per emitted record
 * that was a tenth of the bytes the engine allocated. Insertion sort on a few
 * items allocates nothing; longer arrays still go to Array#sort.
 */
export function sortSmall<T>(items: T[], less: (a: T, b: T) => boolean): T[] {
  const n = items.length;
  if (n > 16) return items.sort((a, b) => (less(a, b) ? -1 : less(b, a) ? 1 : 0));
  for (let i = 1; i < n; i++) {
    const item = items[i] as T;
    let j = i - 1;
    while (j >= 0 && less(item, items[j] as T)) {
      items[j + 1] = items[j] as T;
      j--;
    }
    items[j + 1] = item;
  }
  return items;
}
