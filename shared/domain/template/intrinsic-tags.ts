/**
 * The YAML short forms of CloudFormation intrinsic functions and condition functions
 * (`!Ref x` for `{ Ref: x }`, `!Sub s` for `{ "Fn::Sub": s }`, ...), and what each accepts.
 */

/** Which YAML node kinds a short-form tag may be written on. */
export type TagNodeKind = 'scalar' | 'seq' | 'map';

interface IntrinsicTag {
  /** The long-form key: `Ref`, `Condition` or `Fn::<Name>`. */
  readonly key: string;
  readonly accepts: readonly TagNodeKind[];
}

const ANY: readonly TagNodeKind[] = ['scalar', 'seq', 'map'];
const SEQ: readonly TagNodeKind[] = ['seq'];

const fn = (name: string, accepts: readonly TagNodeKind[] = ANY): [string, IntrinsicTag] => [
  `!${name}`,
  { key: `Fn::${name}`, accepts },
];

/** Short-form tag (`!GetAtt`) to its long form. */
export const INTRINSIC_TAGS: ReadonlyMap<string, IntrinsicTag> = new Map([
  ['!Ref', { key: 'Ref', accepts: ['scalar'] }],
  ['!Condition', { key: 'Condition', accepts: ['scalar'] }],
  fn('GetAtt', ['scalar', 'seq']),
  fn('Sub', ['scalar', 'seq']),
  fn('Base64'),
  fn('GetAZs', ['scalar', 'map']),
  fn('ImportValue', ['scalar', 'map']),
  fn('Transform', ['map']),
  fn('Join', SEQ),
  fn('Select', SEQ),
  fn('Split', SEQ),
  fn('FindInMap', SEQ),
  fn('Cidr', SEQ),
  fn('If', SEQ),
  fn('Equals', SEQ),
  fn('And', SEQ),
  fn('Or', SEQ),
  fn('Not', SEQ),
  // AWS::LanguageExtensions and Rules functions.
  fn('Length'),
  fn('ToJsonString'),
  fn('Contains', SEQ),
  fn('EachMemberEquals', SEQ),
  fn('EachMemberIn', SEQ),
  fn('RefAll', ['scalar']),
  fn('ValueOf', SEQ),
  fn('ValueOfAll', SEQ),
]);
