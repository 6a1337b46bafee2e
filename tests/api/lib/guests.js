// guests.js — fixtures the guest tests share (API, browser).

/**
 * A global waiver template with one version (validity 'event'), so that
 * events scheduled after it require that version and their guests are on
 * hold until they sign.  Returns the template's id.
 */
export async function makeGlobalWaiver(stack, name) {
  const q = name.replace(/'/g, "''");
  return stack.psql(`with t as (insert into scc.waiver_templates (name) values ('${q}') returning id)
    insert into scc.waiver_versions (template_id, version, title, body, body_sha256, intent_text, consent_text,
                                     adult_text, validity)
    select t.id, 1, 'Waiver', 'Sailing is risky.', encode(sha256(convert_to('Sailing is risky.', 'UTF8')), 'hex'),
           'I agree', 'I consent', 'I am 18 or older', 'event' from t returning template_id`);
}

/* waivers: issue 10's gaps (helper F) */
/**
 * Version `n` of a waiver template (validity 'event'; the body names the
 * version, so each is a different text).  Returns the version's id.
 */
export async function addWaiverVersion(stack, templateId, n) {
  const body = `Sailing is risky (version ${n}).`.replace(/'/g, "''");
  return stack.psql(`insert into scc.waiver_versions (template_id, version, title, body, body_sha256, intent_text,
      consent_text, adult_text, validity)
    values ('${templateId}', ${Number(n)}, 'Release', '${body}', encode(sha256(convert_to('${body}', 'UTF8')), 'hex'),
            'I agree', 'I consent', 'I am 18 or older', 'event') returning id`);
}
/* end waivers: issue 10's gaps (helper F) */
