import { ProblemCollector } from '../errors';
import { KernelModule, KernelModuleProps } from './kernel-module';

/** The kernel modules a fleet can deploy, by name. */
export class ModuleCatalog {
  private readonly modules = new Map<string, KernelModule>();

  constructor(modules: ReadonlyArray<KernelModule | KernelModuleProps> = []) {
    const problems = new ProblemCollector();
    for (const m of modules) problems.capture(() => this.add(m));
    problems.throwIfAny();
  }

  /** Adds a module; each name may appear once. */
  public add(module: KernelModule | KernelModuleProps): KernelModule {
    const built = module instanceof KernelModule ? module : new KernelModule(module);
    if (this.modules.has(built.name)) throw new Error(`module "${built.name}" is already in the catalog`);
    this.modules.set(built.name, built);
    return built;
  }

  public tryGet(name: string): KernelModule | undefined {
    return this.modules.get(name);
  }

  /** Module names, sorted. */
  public get names(): string[] {
    return [...this.modules.keys()].sort();
  }
}
