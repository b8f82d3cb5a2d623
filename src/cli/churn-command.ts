import { Command, InvalidArgumentError } from 'commander'
import { evaluateChurnCsv, getModel, requestTraining, runQueuedTraining, type EvaluateCsvDetails, type EvaluateCsvParams, type TrainResult } from '../server/modules/churn'
import { trainingWorkspace } from '../server/admin-operations'
import { loadConfig } from '../server/platform/config'
import { readDataDirOwner } from '../server/platform/data-dir-lock'
import { migrateDb, openDb } from '../server/platform/db'
import { runOperation, withDatabase } from './admin-client'

type EvaluateOptions = { csv: string; id: string; label: string; splitColumn: string; positive?: string; keep: boolean; seed: number }
type TrainOptions = { workspace?: string; fallbackDays?: number }

const log = (message: string) => process.stderr.write(`${message}\n`)

/**
 * Where the evaluation runs: in this process on the configured database; or — while a server owns
 * the PGlite data dir, which no second process may open — in a throwaway in-memory database, since
 * the scratch workspace is deleted afterwards anyway.
 */
async function evaluate(params: EvaluateCsvParams): Promise<EvaluateCsvDetails> {
  const config = loadConfig()
  const owner = config.databaseUrl ? null : readDataDirOwner(config.dataDir)
  if (!owner) return withDatabase((db) => evaluateChurnCsv(db, params))
  if (params.keep) throw new InvalidArgumentError(`--keep needs the data directory, which Bosun (pid ${owner.pid}) is using; stop it or leave out --keep`)
  log(`Bosun (pid ${owner.pid}) owns ${config.dataDir}: evaluating in a temporary in-memory database`)
  const handle = await openDb({})
  try {
    await migrateDb(handle)
    return await evaluateChurnCsv(handle.db, params)
  } finally {
    await handle.close()
  }
}

type ModelCard = Awaited<ReturnType<typeof getModel>>
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Trains in this process, as the `churn.train` job does (a card in status training, then the run),
 * so the new model becomes the current one for the server too. A PGlite data dir owned by a running
 * server cannot be opened by a second process: then the server trains (its churn.train job) and
 * this command follows the model card until it is ready.
 */
async function train(options: TrainOptions): Promise<TrainResult> {
  const config = loadConfig()
  const owner = config.databaseUrl ? null : readDataDirOwner(config.dataDir)
  if (owner) return trainInServer(options, owner.pid)
  return withDatabase(async (db) => {
    const workspace = await trainingWorkspace(db, options.workspace)
    log(`training the churn model of workspace ${workspace.slug} (churn before each account's next renewal)`)
    const modelId = await requestTraining(db, { workspaceId: workspace.id, requestedBy: 'bosun CLI', fallbackDays: options.fallbackDays, trigger: 'manual' })
    const result = await runQueuedTraining(db, { workspaceId: workspace.id, modelId, onProgress: log })
    if (result) return result
    // Not enough history: the run wrote why on the model card.
    const card = await getModel(db, { workspaceId: workspace.id, modelId })
    throw new Error(`workspace ${workspace.slug}: no model trained: ${card.error ?? 'training did not finish'}`)
  })
}

async function trainInServer(options: TrainOptions, pid: number): Promise<TrainResult> {
  const started = (await runOperation('churn.train', { workspace: options.workspace, fallbackDays: options.fallbackDays })) as { workspace: string; model: ModelCard }
  const workspace = started.workspace
  log(`training the churn model of workspace ${workspace} in the running server (pid ${pid}), model ${started.model.id}`)
  let card = started.model
  const since = Date.now()
  for (let polls = 1; card.status === 'training'; polls++) {
    await sleep(1000)
    card = ((await runOperation('churn.model', { workspace, modelId: card.id })) as { model: ModelCard }).model
    if (polls % 15 === 0 && card.status === 'training') log(`still training (${Math.round((Date.now() - since) / 1000)} s)`)
  }
  if (card.status !== 'ready') throw new Error(`workspace ${workspace}: no model trained: ${card.error ?? 'training failed'}`)
  return {
    modelId: card.id,
    kind: card.kind ?? 'unknown',
    auc: card.metrics?.auc ?? null,
    healthAuc: card.metrics?.health?.healthAuc ?? null,
    accountsScored: card.accountsScored ?? 0,
    seconds: card.seconds ?? 0,
    target: card.target,
  }
}

const wholeNumber = (name: string, min: number, max: number) => (value: string) => {
  const parsed = Number(value)
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`)
  return parsed
}

/** `bosun churn evaluate`: validation of the churn model on a labelled CSV with a train/test split column; `bosun churn train`: the workspace model now. */
export function registerChurnCommand(program: Command) {
  const churn = program.command('churn').description('Churn-risk model')
  churn
    .command('train')
    .description(
      "Train the workspace's churn model now (churn before each account's next renewal) and score every active account; progress on stderr, then one JSON line {modelId, kind, auc, healthAuc, accountsScored, seconds, target}",
    )
    .option('--workspace <slug>', 'workspace (default: the only one, or demo)')
    .option('--fallback-days <n>', 'for accounts without any renewal date: churn within this many days (default 365)', wholeNumber('fallback-days', 30, 730))
    .action(async (options: TrainOptions) => {
      const result = await train(options)
      log(`done in ${result.seconds.toFixed(1)} s`)
      const { modelId, kind, auc, healthAuc, accountsScored, seconds, target } = result
      process.stdout.write(`${JSON.stringify({ modelId, kind, auc, healthAuc, accountsScored, seconds, target })}\n`)
    })
  churn
    .command('evaluate')
    .description('Import a labelled CSV into a scratch workspace, train on the "train" rows, score the "test" rows; prints one JSON line {auc, pr_auc, brier, model, rows_train, rows_test}')
    .requiredOption('--csv <file>', 'the CSV file, one row per customer')
    .requiredOption('--id <column>', 'column with a unique id per row')
    .requiredOption('--label <column>', 'column saying whether the customer churned')
    .requiredOption('--split-column <column>', 'column holding "train" or "test" (any case)')
    .option('--positive <value>', 'the label value meaning churned (default: detected — yes, true, 1, churned, y, …)')
    .option('--keep', 'keep the scratch workspace instead of deleting it', false)
    .option(
      '--seed <n>',
      'random seed of the folds and trees',
      (value: string) => {
        const parsed = Number(value)
        if (!Number.isInteger(parsed)) throw new InvalidArgumentError('seed must be a whole number')
        return parsed
      },
      42,
    )
    .action(async (options: EvaluateOptions) => {
      const details = await evaluate({
        file: options.csv,
        idColumn: options.id,
        labelColumn: options.label,
        splitColumn: options.splitColumn,
        positive: options.positive,
        keep: options.keep,
        seed: options.seed,
        onProgress: log,
      })
      const { seconds } = details
      log(`done in ${seconds.total.toFixed(1)} s (import ${seconds.import.toFixed(1)} s, model ${seconds.train.toFixed(1)} s); cross-validated AUC on the training rows ${details.churnModel.cvAuc.toFixed(4)}`)
      if (details.workspace.kept) log(`scratch workspace kept: ${details.workspace.slug}`)
      process.stdout.write(`${JSON.stringify(details.result)}\n`)
    })
}
