"""Register every mvadapt module and (optionally) set the default scope."""
import datetime

from mmengine.registry import DefaultScope


def register_all_modules(init_default_scope: bool = True) -> None:
    """Import all mvadapt (and MMAction2) modules so they are registered.

    Args:
        init_default_scope (bool): Whether to make ``mvadapt`` the default
            scope, so registries build from mvadapt's registry nodes (and fall
            back to MMAction2's and MMEngine's). Defaults to True.
    """
    import mmaction.utils
    mmaction.utils.register_all_modules(init_default_scope=False)

    import mvadapt.datasets  # noqa: F401
    import mvadapt.engine  # noqa: F401
    import mvadapt.evaluation  # noqa: F401
    import mvadapt.models  # noqa: F401

    if not init_default_scope:
        return
    current = DefaultScope.get_current_instance()
    if current is None or not DefaultScope.check_instance_created('mvadapt'):
        DefaultScope.get_instance('mvadapt', scope_name='mvadapt')
    elif current.scope_name != 'mvadapt':
        # Same policy as MMAction2: make a uniquely named new instance.
        stamp = datetime.datetime.now().strftime('%Y%m%d-%H%M%S-%f')
        DefaultScope.get_instance(f'mvadapt-{stamp}', scope_name='mvadapt')
