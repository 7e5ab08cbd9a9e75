import type { Approval, Principal } from "../../../server/contract/index.ts";
import { holds } from "../store/guild.ts";

/** What stops this principal from approving or editing, if anything the card can tell: a missing role. */
export function missingRole(approval: Approval, me: Principal | undefined): string | undefined {
  if (!me) return undefined;
  if (!holds(me, "reviewer")) return "reviewer";
  return approval.requiresRoles?.find((role) => !holds(me, role));
}

/** Who may decide an approval: the roles its policy requires, four eyes, and why you cannot. */
export function AuthorityNote({ approval, me }: { approval: Approval; me: Principal | undefined }) {
  const missing = missingRole(approval, me);
  if (!approval.requiresRoles?.length && !approval.fourEyes && !missing) return null;
  return (
    <div className="authority" data-testid="authority">
      {approval.requiresRoles?.length ? (
        <p>
          <strong>Who may approve:</strong> a reviewer with the role {approval.requiresRoles.join(" and ")}.
        </p>
      ) : null}
      {approval.fourEyes ? (
        <p>
          Four eyes: whoever edited this call cannot approve it asked again, and whoever started the run cannot approve it when it is high
          risk.
        </p>
      ) : null}
      {missing ? (
        <p className="cannot" role="note">
          You cannot approve or edit it: you do not have the role {missing}. You may still reject it, send feedback or redirect it.
        </p>
      ) : null}
    </div>
  );
}
