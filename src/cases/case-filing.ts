import { actingRole } from '../access/actor';
import { codeReached, denied } from '../access/scope';
import type { Write } from '../audit/mutation';
import { Capability, type Actor } from '../kernel/actor';
import { pastDay, todayInChina } from '../kernel/dates';
import { JurisdictionLevel, pathOfCode } from '../kernel/division-codes';
import { BadUserInputError, ConflictError } from '../kernel/errors';
import { parseId } from '../kernel/ids';
import { text } from '../kernel/messages';
import { PersonStatus } from '../elderly/elderly-kinds';
import { personRepository, type PersonRow } from '../elderly/person.repository';
import { personService } from '../elderly/person.service';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { policyService } from '../policies/policy.service';
import { intakeWindowService } from '../procedures/intake-window.service';
import type { ProcedureRow } from '../procedures/procedure.repository';
import { procedureService } from '../procedures/procedure.service';
import { CaseAction, CaseFiler } from './case-kinds';
import type { AgentInput, FileApplicationInput, MaterialInput } from './case.inputs';
import { caseRepository } from './case.repository';
import { enterStep } from './case-steps';

/** The most schemes and materials one application names. */
export const MAX_SCHEMES = 10;
export const MAX_MATERIALS = 30;

function boundedText(raw: string, field: string, max: number): string {
  const value = raw.trim();
  if (value === '' || [...value].length > max) throw new BadUserInputError(field, `must be 1 to ${max} characters`);
  return value;
}

export function parseMaterials(inputs: readonly MaterialInput[], field = 'input.materials'): { kind: string; receivedOn: string; checked: boolean }[] {
  if (inputs.length > MAX_MATERIALS) throw new BadUserInputError(field, `at most ${MAX_MATERIALS}`);
  return inputs.map((m, i) => ({
    kind: boundedText(m.kind, `${field}[${i}].kind`, 50),
    receivedOn: pastDay(m.receivedOn, `${field}[${i}].receivedOn`),
    checked: m.checked ?? false,
  }));
}

function parseAgent(agent: AgentInput | null | undefined) {
  if (!agent) return { filer: CaseFiler.VILLAGE_WORKER, agentName: null, agentRelation: null };
  return { filer: CaseFiler.AGENT, agentName: boundedText(agent.name, 'input.agent.name', 50), agentRelation: boundedText(agent.relation, 'input.agent.relation', 20) };
}

/** The applicant: a registered person whose 户籍 is a village of the caller's subtree, or someone registered now. */
async function applicantOf(w: Write, actor: Actor, input: FileApplicationInput): Promise<PersonRow> {
  if ((input.personId == null) === (input.person == null)) throw new BadUserInputError('input.personId', 'give either personId or person, not both');
  const id = input.personId != null ? parseId(input.personId, 'input.personId', 'a person') : await personService.registerWithin(w, input.person!, 'input.person');
  const person = await personRepository.lock(w.tx, id);
  // Out of the subtree (by where they live and where their 户籍 is) is FORBIDDEN, whether or not they exist.
  if (!person || !(codeReached(actor, person.hukouCode) || codeReached(actor, person.villageCode))) throw denied(text('PERSON_NOT_IN_SCOPE'));
  if (!codeReached(actor, person.hukouCode) || person.hukouLevel !== JurisdictionLevel.VILLAGE) {
    throw new BadUserInputError(input.personId != null ? 'input.personId' : 'input.person.hukouCode', 'the applicant’s 户籍 must be a village or community of your jurisdiction: an application is filed there');
  }
  if (person.status !== PersonStatus.ACTIVE) throw new BadUserInputError('input.personId', `the person is ${person.status} since ${person.statusSince}`);
  return person;
}

/** The schemes applied for: each in force at the village in the month received and requiring an application. */
async function schemesOf(w: Write, input: FileApplicationInput, villageCode: string, day: string): Promise<number[]> {
  if (input.schemeIds.length === 0) throw new BadUserInputError('input.schemeIds', 'name at least one scheme');
  if (input.schemeIds.length > MAX_SCHEMES) throw new BadUserInputError('input.schemeIds', `at most ${MAX_SCHEMES}`);
  const ids = input.schemeIds.map((raw, i) => parseId(raw, `input.schemeIds[${i}]`, 'a scheme'));
  const lineage = [...(await jurisdictionService.byCodesAnywhere(w.ctx, pathOfCode(villageCode))).values()];
  const { schemes } = await policyService.rulesFor(w.tx, lineage, day.slice(0, 7));
  ids.forEach((id, i) => {
    const scheme = schemes.find((s) => s.schemeId === id);
    if (!scheme) throw new BadUserInputError(`input.schemeIds[${i}]`, 'is not a scheme in force at the applicant’s village');
    if (!scheme.requiresApplication) throw new BadUserInputError(`input.schemeIds[${i}]`, `${scheme.name} pays without an application`);
    if (ids.indexOf(id) !== i) throw new BadUserInputError(`input.schemeIds[${i}]`, 'is named twice');
  });
  return ids;
}

/** The day the first step begins: the day received, or the next window's first day when the procedure takes applications in windows. */
async function firstDayOf(w: Write, procedure: ProcedureRow, villageCode: string, day: string): Promise<{ began: string; windowId: number | null }> {
  if (!procedure.usesIntakeWindows) return { began: day, windowId: null };
  const window = await intakeWindowService.windowFor(w.ctx, villageCode, day);
  if (!window) throw new BadUserInputError('input.receivedOn', `${procedure.name} takes applications in intake windows and none is open on ${day} or to come`);
  return { began: window.open ? day : window.window.opens, windowId: window.window.id };
}

/** Files an application inside `w` (FILE_CASES): the case at the applicant's 户籍 village, at its first step. */
export async function fileWithin(w: Write, input: FileApplicationInput): Promise<number> {
  const actor = w.grant!.actor;
  // Until it is filed, a refusal names the applicant.
  w.target('Person', input.personId != null ? [input.personId] : []);
  const day = input.receivedOn == null ? todayInChina() : pastDay(input.receivedOn, 'input.receivedOn');
  const materials = parseMaterials(input.materials ?? []);
  const agent = parseAgent(input.agent);
  const person = await applicantOf(w, actor, input);
  w.at(person.hukouId);
  const schemeIds = await schemesOf(w, input, person.hukouCode, day);
  const taken = await caseRepository.openSchemesOf(w.tx, person.id, schemeIds);
  if (taken.length > 0) throw new ConflictError(`the person has an open application for scheme ${taken.join(', ')}`, `input.schemeIds[${schemeIds.indexOf(taken[0])}]`);
  const procedure = await procedureService.procedureFor(w.ctx, person.hukouCode, day);
  if (!procedure) throw new BadUserInputError('input.receivedOn', `no review procedure is in force at ${person.hukouName} on ${day}`);
  const { began, windowId } = await firstDayOf(w, procedure, person.hukouCode, day);
  const step = await enterStep(w.ctx, person.hukouCode, procedure.steps, 1, began, null, 'input.receivedOn');
  const role = actingRole(actor, Capability.FILE_CASES)!;
  const caseId = await caseRepository.insert(
    w.tx,
    { personId: person.id, villageId: person.hukouId, villageCode: person.hukouCode, procedureId: procedure.id, intakeWindowId: windowId, filedOn: day, filedBy: actor.userId, filedAsRole: role, ...agent },
    step,
  );
  await caseRepository.insertSchemes(w.tx, caseId, schemeIds);
  await caseRepository.insertMaterials(w.tx, caseId, materials, actor.userId);
  await caseRepository.appendHistory(w.tx, { caseId, userId: actor.userId, username: actor.username, role, stepPosition: null, action: CaseAction.FILE, opinion: null, reasons: null, idempotencyKey: null }, undefined);
  w.target('Case', [caseId]);
  w.detail({ personId: person.id, schemeIds, procedureId: procedure.id, began, due: step.stepDue });
  return caseId;
}
