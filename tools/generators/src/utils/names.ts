/** Kebab-case: lower-case words of letters and digits, each word after the first joined by one hyphen. */
export const KEBAB_CASE = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** Longest accepted name; it becomes a directory, an npm package, a proto package and a registry key. */
export const MAX_NAME_LENGTH = 40;

/** The spellings one kebab-case name takes in each place a generator writes it. */
export interface NameForms {
  /** `order-history`: the Nx project, the directory under apps/ or libs/, the registry name. */
  kebab: string;
  /** `order_history`: proto package and file names (buf's STANDARD lint wants lower_snake_case). */
  snake: string;
  /** `OrderHistory`: classes and the proto service. */
  pascal: string;
  /** `orderHistory`: values exported from @flotilla/proto. */
  camel: string;
  /** `ORDER_HISTORY`: constants. */
  constant: string;
}

export function nameForms(kebab: string): NameForms {
  const words = kebab.split('-');
  const pascal = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  return {
    kebab,
    snake: words.join('_'),
    pascal,
    camel: pascal.charAt(0).toLowerCase() + pascal.slice(1),
    constant: words.join('_').toUpperCase(),
  };
}
