export * from './tasks.tables'
export { taskOutcomes, type TaskOutcome, TaskSchema } from './tasks.contracts'
export {
  createTask,
  getTask,
  listTasks,
  listAccountTasks,
  getMyDay,
  getTeam,
  updateTask,
  completeTask,
  dismissTask,
  snoozeTask,
  addComment,
  listComments,
  closePlaybookTasks,
  playbookTaskStats,
  type CreateTaskParams,
  type PlaybookTaskStats,
  type TaskView,
  type CommentView,
} from './tasks.service'
export { taskRoutes } from './tasks.routes'
