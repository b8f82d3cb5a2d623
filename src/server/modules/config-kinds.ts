import type { ConfigKind } from './config'
import { lifecycleConfigKind, segmentConfigKind, tiersConfigKind } from './segments'
import { journeyConfigKind } from './journeys'
import { assignmentConfigKind, engagementModelConfigKind } from './engagement'
import { scorecardConfigKind } from './health'
import { playbookConfigKind } from './playbooks'
import { successPlanConfigKind } from './success-plans'

/**
 * Every kind of configuration document; a module that adds a kind defines it with
 * defineConfigKind (from '../config') in its own folder and adds its line here.
 * The order is the order of the Configuration page and of `bosun config export`.
 */
export const configKinds: readonly ConfigKind[] = [segmentConfigKind, tiersConfigKind, lifecycleConfigKind, engagementModelConfigKind, assignmentConfigKind, journeyConfigKind, scorecardConfigKind, successPlanConfigKind, playbookConfigKind]
