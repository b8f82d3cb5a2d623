export * from './workspaces.tables'
export { findWorkspaceBySlug, findWorkspaceById, insertWorkspace, listWorkspaces, deleteWorkspace, type Workspace } from './workspaces.repo'
