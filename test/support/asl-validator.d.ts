// asl-validator ships no type declarations; this is the part the tests use.
declare module 'asl-validator' {
  const validator: (definition: unknown) => { isValid: boolean; errorsText: (separator?: string) => string };
  export default validator;
}
