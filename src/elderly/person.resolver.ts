import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../kernel/context';
import { DateScalar } from '../kernel/dates';
import { connectionCost } from '../graphql/limits';
import { JurisdictionLevel } from '../kernel/division-codes';
import { JurisdictionRef } from '../jurisdictions/jurisdiction.types';
import { HardshipCategory, PersonStatus } from './elderly-kinds';
import { personImportService } from './person-import.service';
import { AssessmentInput, CategoryInput, ImportPeopleInput, RegisterPersonInput, UpdatePersonInput } from './person.inputs';
import type { PersonRow } from './person.repository';
import { personService } from './person.service';
import { AbilityAssessment, PersonCategory, PersonConnection, PersonImport, PersonNode } from './person.types';

@ArgsType()
class PersonListArgs {
  @Field(() => String, { nullable: true, description: 'Code of the jurisdiction to list at and below; default the caller’s home.' })
  under: string | null;

  @Field(() => PersonStatus, { nullable: true })
  status: PersonStatus | null;

  @Field(() => HardshipCategory, { nullable: true, description: 'Only people in this category today.' })
  category: HardshipCategory | null;

  @Field(() => String, { nullable: true, description: 'Part of the name, matched literally.' })
  search: string | null;

  @Field(() => Int, { nullable: true, description: 'Page size, 1 to MAX_PAGE_SIZE (default 20).' })
  first: number | null;

  @Field(() => String, { nullable: true })
  after: string | null;
}

const UNMASKED = 'True to see it in full: needs READ_PERSONAL_DATA, and the read is audited.';

@Resolver(() => PersonNode)
export class PersonResolver {
  @Query(() => PersonNode, { nullable: true, description: 'A person living in the caller’s subtree.' })
  person(@Ctx() ctx: Context, @Arg('id', () => ID) id: string) {
    return personService.get(ctx, id);
  }

  @Query(() => PersonConnection, { complexity: connectionCost, description: 'People living at or below `under`, in registration order.' })
  people(@Ctx() ctx: Context, @Args() args: PersonListArgs) {
    return personService.list(ctx, args);
  }

  @FieldResolver(() => String, { description: '居民身份证号码, masked as 3***************** by default.' })
  nationalId(@Ctx() ctx: Context, @Root() person: PersonRow, @Arg('unmasked', { defaultValue: false, description: UNMASKED }) unmasked: boolean) {
    return personService.personalField(ctx, person, 'nationalId', unmasked);
  }

  @FieldResolver(() => DateScalar, { nullable: true, description: 'Null unless asked for unmasked: `age` tells the age without it.' })
  birthDate(@Ctx() ctx: Context, @Root() person: PersonRow, @Arg('unmasked', { defaultValue: false, description: UNMASKED }) unmasked: boolean) {
    return personService.personalField(ctx, person, 'birthDate', unmasked);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Masked as 138****5678 by default.' })
  phone(@Ctx() ctx: Context, @Root() person: PersonRow, @Arg('unmasked', { defaultValue: false, description: UNMASKED }) unmasked: boolean) {
    return personService.personalField(ctx, person, 'phone', unmasked);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Only its start is shown by default.' })
  address(@Ctx() ctx: Context, @Root() person: PersonRow, @Arg('unmasked', { defaultValue: false, description: UNMASKED }) unmasked: boolean) {
    return personService.personalField(ctx, person, 'address', unmasked);
  }

  @FieldResolver(() => Int, { description: 'Completed years today.' })
  age(@Root() person: PersonRow) {
    return personService.ageToday(person);
  }

  @FieldResolver(() => JurisdictionRef, { description: 'The village or community the person lives in.' })
  village(@Root() person: PersonRow): JurisdictionRef {
    return { code: person.villageCode, name: person.villageName, level: JurisdictionLevel.VILLAGE };
  }

  @FieldResolver(() => JurisdictionRef, { description: '户籍: where the household is registered.' })
  hukou(@Root() person: PersonRow): JurisdictionRef {
    return { code: person.hukouCode, name: person.hukouName, level: person.hukouLevel };
  }

  @FieldResolver(() => [PersonCategory], { description: 'Hardship categories in force today.' })
  categories(@Ctx() ctx: Context, @Root() person: PersonRow) {
    return personService.currentCategories(ctx, person);
  }

  @FieldResolver(() => [PersonCategory], { description: 'Every category record, oldest first.' })
  categoryHistory(@Ctx() ctx: Context, @Root() person: PersonRow) {
    return personService.categoryHistory(ctx, person);
  }

  @FieldResolver(() => [AbilityAssessment], { description: 'Every ability assessment, oldest first.' })
  assessments(@Ctx() ctx: Context, @Root() person: PersonRow) {
    return personService.assessments(ctx, person);
  }

  @Mutation(() => PersonNode, { description: 'Registers a person living in a village of the caller’s subtree.' })
  registerPerson(@Ctx() ctx: Context, @Arg('input') input: RegisterPersonInput) {
    return personService.register(ctx, input);
  }

  @Mutation(() => PersonImport, {
    description:
      'Registers the people of a CSV file in villages of the caller’s subtree, every row checked as registerPerson checks it. By default a single bad row means nothing is written; every bad row is reported.',
  })
  importPeople(@Ctx() ctx: Context, @Arg('input') input: ImportPeopleInput) {
    return personImportService.import(ctx, input);
  }

  @Mutation(() => PersonNode, { description: 'Replaces a person’s facts; identity (ID number, birth date, sex) stays.' })
  updatePerson(@Ctx() ctx: Context, @Arg('id', () => ID) id: string, @Arg('input') input: UpdatePersonInput) {
    return personService.update(ctx, id, input);
  }

  @Mutation(() => PersonNode, { description: 'Makes `categories` the person’s hardship categories from `on` (default today); the history is kept.' })
  setPersonCategories(
    @Ctx() ctx: Context,
    @Arg('id', () => ID) id: string,
    @Arg('categories', () => [CategoryInput]) categories: CategoryInput[],
    @Arg('on', () => DateScalar, { nullable: true }) on: string | null,
  ) {
    return personService.setCategories(ctx, id, categories, on);
  }

  @Mutation(() => PersonNode, { description: 'Records that a person moved away or died on a day (default today).' })
  recordPersonStatus(
    @Ctx() ctx: Context,
    @Arg('id', () => ID) id: string,
    @Arg('status', () => PersonStatus) status: PersonStatus,
    @Arg('on', () => DateScalar, { nullable: true }) on: string | null,
  ) {
    return personService.recordStatus(ctx, id, status, on);
  }

  @Mutation(() => PersonNode, { description: 'Records an ability assessment (生活能力评估) of a person of the caller’s subtree.' })
  recordAbilityAssessment(@Ctx() ctx: Context, @Arg('personId', () => ID) personId: string, @Arg('input') input: AssessmentInput) {
    return personService.recordAssessment(ctx, personId, input);
  }
}
