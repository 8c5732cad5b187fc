/** Keys that an object literal `{}` gets wrong: shared by the prototype-key tests. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];
