/**
 * Policy dumps (net/netlink/policy.c): the set of policies a CTRL_CMD_GETPOLICY dump
 * describes, numbered in discovery order, and the walk over their attributes.
 * Mirrors netlink_policy_dump_add_policy(), netlink_policy_dump_get_policy_idx(),
 * netlink_policy_dump_loop() and netlink_policy_dump_write().
 */
import type { AttrWriter } from '../../sim/wire/attr-writer.js';
import { NLA, writePolicyAttr, type Policy } from '../../sim/wire/policy.js';

interface Entry {
  policy: Policy;
  maxtype: number;
}

/** PolicyDumpState mirrors struct netlink_policy_dump_state. */
export class PolicyDumpState {
  readonly #policies: Entry[] = [];
  #policyIdx = 0;
  #attrIdx = 0;

  /**
   * add mirrors netlink_policy_dump_add_policy(): adds `policy` (unless already there with the
   * same maxtype), then every policy nested in any known policy, breadth first.
   */
  add(policy: Policy | null, maxtype: number): void {
    this.#addOne(policy, maxtype);
    for (let i = 0; i < this.#policies.length; i++) {
      const { policy: p, maxtype: max } = this.#policies[i]!;
      for (let t = 0; t <= max; t++) {
        const pt = p[t];
        if (pt && (pt.type === NLA.NLA_NESTED || pt.type === NLA.NLA_NESTED_ARRAY) && pt.nested) {
          this.#addOne(pt.nested, pt.len ?? pt.nested.length - 1);
        }
      }
    }
  }

  #addOne(policy: Policy | null, maxtype: number): void {
    if (!policy || !maxtype) return;
    if (this.#policies.some((e) => e.policy === policy && e.maxtype === maxtype)) return;
    this.#policies.push({ policy, maxtype });
  }

  /** empty is true when no policy was added (the dump then fails with ENODATA). */
  get empty(): boolean {
    return this.#policies.length === 0;
  }

  /** indexOf mirrors netlink_policy_dump_get_policy_idx(). */
  indexOf(policy: Policy, maxtype: number): number {
    const i = this.#policies.findIndex((e) => e.policy === policy && e.maxtype === maxtype);
    return i < 0 ? 0 : i;
  }

  /** mark returns the walk's position, so that a message that did not fit can be redone. */
  mark(): [number, number] {
    return [this.#policyIdx, this.#attrIdx];
  }

  /** reset returns the walk to a position from mark(). */
  reset(mark: [number, number]): void {
    [this.#policyIdx, this.#attrIdx] = mark;
  }

  /** more mirrors netlink_policy_dump_loop(): attributes remain to be described. */
  more(): boolean {
    return this.#policyIdx < this.#policies.length;
  }

  /**
   * write mirrors netlink_policy_dump_write(): describes the next attribute that has anything
   * to say, as nest(policy index){nest(attr type){NL_POLICY_TYPE_ATTR_*}}, skipping NLA_UNSPEC
   * and NLA_REJECT entries. Returns false when none was left to write (-ENODATA).
   */
  write(w: AttrWriter): boolean {
    for (;;) {
      const e = this.#policies[this.#policyIdx]!;
      const pt = e.policy[this.#attrIdx] ?? { type: NLA.NLA_UNSPEC };
      const outer = w.beginNest(this.#policyIdx);
      const inner = w.beginNest(this.#attrIdx);
      const written = writePolicyAttr(w, pt, (p, max) => this.indexOf(p, max));
      if (written) {
        w.endNest(inner);
        w.endNest(outer);
      } else w.cancelNest(outer);
      if (++this.#attrIdx > e.maxtype) {
        this.#attrIdx = 0;
        this.#policyIdx++;
      }
      if (written) return true;
      if (!this.more()) return false;
    }
  }
}
