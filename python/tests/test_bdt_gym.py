"""The Gymnasium side of the bridge. From python/: ``python3 -m unittest discover -s tests``
(from the repository root: ``PYTHONPATH=python python3 -m unittest discover -s python/tests``);
test/python/bridge.test.ts runs it.
"""

import contextlib
import copy
import functools
import io
import json
import multiprocessing
import os
import pickle
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import unittest
import warnings
from pathlib import Path
from typing import Any, Callable, Iterator
from unittest import mock

import gymnasium as gym
import numpy as np
from gymnasium import spaces
from gymnasium.utils.env_checker import check_env
from gymnasium.wrappers import FlattenObservation, RescaleAction

import bdt_gym
from bdt_gym.server import Server
from bdt_gym.spaces import space_from_json
from bdt_gym.wrappers import BoxAction, MultiDiscreteAction

PYTHON_DIR = Path(__file__).resolve().parents[1]
REPOSITORY = PYTHON_DIR.parent


def importing(fixture: str) -> str:
    """A BDT_GYM_COMMAND whose server imports test/cli/fixtures/``fixture`` (a user's module of agents and env ids)."""
    return f"node {REPOSITORY / 'bin' / 'bdt-gym.js'} --import {REPOSITORY / 'test' / 'cli' / 'fixtures' / fixture}"


@functools.cache
def saved_trace(slots: int) -> dict[str, Any]:
    """The exogenous trace of a BDT-v0 episode of ``slots`` slots, seed 1, as ``bdt-gym run --save-trace`` writes it."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "trace.json"
        command = ["node", str(REPOSITORY / "bin" / "bdt-gym.js"), "run", "--env", "BDT-v0", "--agent", "all-local", "--seed", "1", "--slots", str(slots), "--save-trace", str(path)]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        return json.loads(path.read_text())


def as_numpy(trace: dict[str, Any]) -> dict[str, Any]:
    """The trace with NumPy arrays and scalars in place of its lists and numbers."""
    return {key: np.asarray(value) if isinstance(value, list) else np.int64(value) for key, value in trace.items()}


def as_lists(obs: dict[str, np.ndarray]) -> dict[str, list[Any]]:
    """An observation (or action) as lists, to compare with assertEqual."""
    return {key: value.tolist() for key, value in obs.items()}


class BridgeTest(unittest.TestCase):
    def test_gymnasium_env_checker_passes(self) -> None:
        for env_id in ("bdt_gym/BDT-small-v0", "bdt_gym/BDT-v0"):
            env = gym.make(env_id, infoLevel="summary")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the gain in dB is an unbounded Box by design
                check_env(env.unwrapped)
            env.close()

    def test_spaces_and_elements_are_gymnasiums(self) -> None:
        env = gym.make("bdt_gym/BDT-small-v0")
        self.assertIsInstance(env.action_space, gym.spaces.Dict)
        self.assertEqual(list(env.observation_space.spaces), ["H", "G", "gain", "arrivals", "gatewayBudget", "apBudget", "reputation", "progress"], "the server's key order")
        self.assertEqual(env.action_space["partition"].nvec.tolist(), [5, 5, 8, 5])
        obs, info = env.reset(seed=1)
        self.assertIn(obs, env.observation_space)
        self.assertEqual(obs["gain"].dtype, np.float32)
        self.assertEqual(info, {"slot": 0})
        obs, reward, terminated, truncated, info = env.step(env.action_space.sample())
        self.assertIn(obs, env.observation_space)
        self.assertIsInstance(reward, float)
        self.assertEqual((terminated, truncated), (False, False))
        self.assertEqual(info["gateways"]["energy"].shape, (2,), "full info by default, arrays as NumPy arrays")
        self.assertEqual(info["gateways"]["energy"].dtype, np.float64)
        self.assertEqual(info["partition"].dtype, np.int64, "counts and indices stay integers")
        self.assertIsInstance(info["winner"], int)
        self.assertIsInstance(info["backlog"], float)
        obs["reputation"][info["winner"]]  # an index indexes
        env.close()

    def test_cartpoles_spaces_are_gymnasiums_infinite_velocity_bounds_included(self) -> None:
        env = bdt_gym.BdtGymEnv("CartPole-v1")
        reference = gym.make("CartPole-v1")
        try:
            self.assertEqual(env.observation_space, reference.observation_space)
            self.assertEqual(env.action_space, reference.action_space)
            for bound in ("low", "high"):
                self.assertTrue(np.array_equal(getattr(env.observation_space, bound), getattr(reference.observation_space, bound)), f"{bound}: the same float32 values, the infinities too")
        finally:
            env.close()
            reference.close()

    def test_reset_refuses_options_that_are_no_dict_and_seeds_json_would_round(self) -> None:
        env = gym.make("bdt_gym/BDT-small-v0", infoLevel="summary")
        try:
            with self.assertRaisesRegex(bdt_gym.InvalidArgumentError, r"^BdtGymEnv\.reset: options must be a dict or None, got int 3$"):
                env.reset(seed=0, options=3)  # type: ignore[arg-type]
            with self.assertRaisesRegex(bdt_gym.InvalidArgumentError, r"^BdtGymEnv\.reset: seed = 1180591620717411303424 must be <= 9007199254740991"):
                env.reset(seed=2**70)
            env.reset(seed=2**53 - 1)  # the largest, still taken
        finally:
            env.close()

    def test_a_whole_scenario_file_as_scenario_plays_the_id_registered_with_it(self) -> None:
        # the README's gym.make("bdt_gym/BDT-v0", scenario=json.load(open("my.json"))): deep-merged into BDT-v0's, a whole scenario is itself
        with open(REPOSITORY / "configs" / "small.json", encoding="utf-8") as file:
            scenario = json.load(file)
        from_file = gym.make("bdt_gym/BDT-v0", infoLevel="summary", scenario=scenario)
        registered = gym.make("bdt_gym/BDT-small-v0", infoLevel="summary")
        try:
            self.assertEqual(from_file.action_space, registered.action_space)
            obs, _ = from_file.reset(seed=5)
            self.assertEqual(as_lists(obs), as_lists(registered.reset(seed=5)[0]))
            for _ in range(4):
                action = from_file.unwrapped.agent_action("dpra")
                obs, reward, *_ = from_file.step(action)
                expected_obs, expected_reward, *_ = registered.step(action)
                self.assertEqual((as_lists(obs), reward), (as_lists(expected_obs), expected_reward))
        finally:
            from_file.close()
            registered.close()

    def test_agent_action_plays_a_trained_policy_from_its_run_or_checkpoint_directory(self) -> None:
        # python/README: agent_action("ppo", checkpoint=<train --out's directory>); models/ppo-bdt-v0 is such a run
        env = gym.make("bdt_gym/BDT-v0", infoLevel="summary")
        try:
            env.reset(seed=2)
            run = REPOSITORY / "models" / "ppo-bdt-v0"
            committed = as_lists(env.unwrapped.agent_action("ppo"))
            for checkpoint in (run, run / "checkpoint"):
                self.assertEqual(as_lists(env.unwrapped.agent_action("ppo", checkpoint=str(checkpoint))), committed, checkpoint)
            with tempfile.TemporaryDirectory() as empty, self.assertRaisesRegex(bdt_gym.InvalidArgumentError, re.escape(empty)):
                env.unwrapped.agent_action("ppo", checkpoint=empty)  # the option is read, not ignored
        finally:
            env.close()

    def test_same_seed_and_actions_same_episode(self) -> None:
        def episode() -> list[float]:
            env = gym.make("bdt_gym/BDT-small-v0", infoLevel="summary")
            env.reset(seed=7)
            env.action_space.seed(7)
            rewards = [env.step(env.action_space.sample())[1] for _ in range(20)]
            env.close()
            return rewards

        self.assertEqual(episode(), episode())

    def test_refusals_raise_and_leave_the_env_usable(self) -> None:
        env = gym.make("bdt_gym/BDT-small-v0", disable_env_checker=True)
        # Gymnasium's own class, as its OrderEnforcing raises, and the class named once in the text
        with self.assertRaises(gym.error.ResetNeeded) as raised:
            env.unwrapped.step(env.action_space.sample())
        self.assertIsInstance(raised.exception, bdt_gym.ResetNeededError)
        self.assertFalse(str(raised.exception).startswith("ResetNeededError"), str(raised.exception))
        env.reset(seed=0)
        action = env.action_space.sample()
        action["partition"][1] = 9
        with self.assertRaisesRegex(bdt_gym.InvalidActionError, r'key "partition": element \[1\] = 9 is outside \{0, …, 4\}'):
            env.step(action)
        # what the server cannot read into the space is refused as what is outside it
        with self.assertRaisesRegex(bdt_gym.InvalidActionError, r"^BdtEnv\.step: invalid action: action\.partition\[0\]: expected an integer, got 1\.5$"):
            env.unwrapped.step({**action, "partition": [1.5, 0, 0, 0]})
        with self.assertRaisesRegex(bdt_gym.InvalidActionError, r"^BdtEnv\.step: invalid action: action: expected an object with keys partition, inferenceShare, miningShare, got null$"):
            env.unwrapped.step(None)
        action["partition"][1] = 0
        action["inferenceShare"][0] = np.nan
        with self.assertRaisesRegex(ValueError, r'^BdtEnv\.step: invalid action: key "inferenceShare": element \[0\] is NaN'):
            env.step(action)
        action["inferenceShare"][0] = 0.5
        self.assertEqual(env.step(action)[4]["slot"], 0, "the refused steps did not advance the env")
        # a reset the server refuses leaves np_random as it was (it was re-seeded first)
        before = env.unwrapped.np_random_seed
        with self.assertRaisesRegex(bdt_gym.InvalidArgumentError, r'unknown reset option "bogus"'):
            env.reset(seed=99, options={"bogus": 1})
        self.assertEqual(env.unwrapped.np_random_seed, before)
        # booleans are the numbers contains() takes them for
        bools = {**action, "partition": np.array([True, False, True, False])}
        self.assertIn(bools, env.action_space)
        self.assertEqual(env.step(bools)[4]["slot"], 1)
        env.close()
        cart_pole = bdt_gym.BdtGymEnv("CartPole-v1")
        cart_pole.reset(seed=0)
        self.assertTrue(cart_pole.action_space.contains(True))
        cart_pole.step(True)
        cart_pole.close()
        with self.assertRaisesRegex(bdt_gym.BdtGymError, r"ScenarioError: invalid scenario:\n  at lyapunov\.V: Too small"):
            gym.make("bdt_gym/BDT-v0", scenario={"lyapunov": {"V": -1}})

    def test_an_invalid_action_is_gymnasiums_invalid_action_error(self) -> None:
        # it was a bdt_gym.InvalidActionError and a ValueError only, which `except gym.error.InvalidAction` missed
        env = gym.make("bdt_gym/BDT-small-v0")
        envs = gym.make_vec("bdt_gym/BDT-small-v0", num_envs=2, scenario={"slots": 2})
        try:
            env.reset(seed=0)
            envs.reset(seed=0)
            outside = env.action_space.sample()
            outside["partition"][0] = 9
            refusals = {
                "the server's InvalidActionError": lambda: env.step(outside),
                "a shape checked before sending": lambda: env.step({**outside, "partition": np.zeros(2, dtype=np.int64)}),
                "the server's SpaceError": lambda: envs.call("decodeAction", {"partition": "x"}),
                "a vector env's": lambda: envs.step({key: np.stack([value, value]) for key, value in outside.items()}),
            }
            for what, refused in refusals.items():
                with self.assertRaises(gym.error.InvalidAction, msg=what) as raised:
                    refused()
                self.assertIsInstance(raised.exception, bdt_gym.InvalidActionError, what)
                self.assertIsInstance(raised.exception, ValueError, what)
        finally:
            env.close()
            envs.close()

    def test_after_close_every_request_raises_and_call_close_is_refused_leaving_the_envs_usable(self) -> None:
        env = gym.make("bdt_gym/BDT-small-v0")
        env.reset(seed=1)
        action = env.action_space.sample()
        env.close()
        env.close()  # again: nothing to do
        for what, request in {"step": lambda: env.step(action), "reset": lambda: env.reset(seed=1), "agent_action": lambda: env.unwrapped.agent_action("dpra")}.items():
            with self.assertRaisesRegex(RuntimeError, r"^bdt_gym: the env is closed$", msg=what):
                request()
        envs = gym.make_vec("bdt_gym/BDT-small-v0", num_envs=2, scenario={"slots": 2})
        try:
            envs.reset(seed=1)
            # the server's envs close with the server: a call of close would leave it serving closed envs
            with self.assertRaisesRegex(bdt_gym.InvalidArgumentError, r'^ArgumentError: call "close": the envs close with the server'):
                envs.call("close")
            self.assertEqual(envs.get_attr("slot"), (0, 0), "the envs go on")
        finally:
            envs.close()
        with self.assertRaisesRegex(RuntimeError, r"^bdt_gym: the env is closed$"):
            envs.get_attr("slot")

    def test_bad_arguments_raise_value_errors(self) -> None:
        for make, kind in (
            (lambda: gym.make("bdt_gym/BDT-small-v0", infoLevel="bogus"), "KwargsError"),
            (lambda: gym.make("bdt_gym/BDT-small-v0", scenario={"lyapunov": {"V": -1}}), "ScenarioError"),
        ):
            with self.assertRaises(ValueError) as raised:
                make()
            self.assertIsInstance(raised.exception, bdt_gym.InvalidArgumentError)
            self.assertEqual(raised.exception.kind, kind)
        env = gym.make("bdt_gym/BDT-small-v0", infoLevel="summary")
        with self.assertRaisesRegex(bdt_gym.ResetNeededError, r"^act before reset"):
            env.unwrapped.agent_action("dpra")
        env.reset(seed=0)
        for agent, options, kind in (("wtcm", {}, "ArgumentError"), ("nope", {}, "UnknownAgentError"), ("dpra", {"bogus": 1}, "KwargsError")):
            with self.assertRaises(bdt_gym.InvalidArgumentError) as raised:
                env.unwrapped.agent_action(agent, **options)
            self.assertIsInstance(raised.exception, ValueError)
            self.assertEqual(raised.exception.kind, kind, agent)
        self.assertIn(env.unwrapped.agent_action("dpra"), env.action_space, "the env goes on")
        self.assertIn(env.unwrapped.agent_action("ppo"), env.action_space, "BDT-small-v0's committed model")
        # every B-DT id has committed models; CartPole-v1 has none
        cart_pole = bdt_gym.BdtGymEnv("CartPole-v1")
        try:
            cart_pole.reset(seed=0)
            with self.assertRaisesRegex(bdt_gym.InvalidArgumentError, r"no dqn model is committed for CartPole-v1") as raised:
                cart_pole.agent_action("dqn")
            self.assertEqual(raised.exception.kind, "ArgumentError")
        finally:
            cart_pole.close()
        with self.assertRaisesRegex(bdt_gym.InvalidArgumentError, r'^BdtEnv\.reset: unknown reset option "tarce" \(options: trace\)'):
            env.reset(options={"tarce": 1})
        env.close()
        envs = bdt_gym.BdtGymVectorEnv("BDT-small-v0", 2)
        try:
            with self.assertRaisesRegex(bdt_gym.InvalidArgumentError, r"BdtVectorEnv\.reset: got 1 seeds for 2 envs"):
                envs.reset(seed=[1])
        finally:
            envs.close()
        with self.assertRaisesRegex(gym.error.UnregisteredEnv, r'No registered env with id "BDT-nope-v0"') as raised:
            bdt_gym.BdtGymEnv("BDT-nope-v0")
        self.assertIsInstance(raised.exception, bdt_gym.UnregisteredEnvError)

    def test_a_keyword_argument_or_option_json_cannot_carry_is_a_type_error_naming_its_place_before_a_server_starts(self) -> None:
        for make, where in (
            (lambda: bdt_gym.BdtGymEnv("BDT-small-v0", scenario={"lyapunov": {"V": 1j}}), "BdtGymEnv: keyword arguments"),
            (lambda: bdt_gym.BdtGymVectorEnv("BDT-small-v0", 2, scenario={"lyapunov": {"V": 1j}}), "BdtGymVectorEnv: keyword arguments"),
        ):
            with self.assertRaises(TypeError) as raised:
                make()
            self.assertEqual(str(raised.exception), f"{where}: key 'scenario': key 'lyapunov': key 'V': has type complex, not JSON data (a number, string, boolean, None, list or dict)")
        env = bdt_gym.BdtGymEnv("BDT-small-v0")
        try:
            env.reset(seed=0)
            with self.assertRaisesRegex(TypeError, r"^BdtGymEnv\.reset: options: key 'trace': has type object, not JSON data"):
                env.reset(options={"trace": object()})
            env.reset(seed=0)  # the env goes on
        finally:
            env.close()

    def test_an_unknown_keyword_argument_is_a_type_error_as_gymnasiums_envs_raise(self) -> None:
        for make in (
            lambda: gym.make("bdt_gym/BDT-small-v0", foo=1),  # which re-raises it as type(error)(its message and the kwargs)
            lambda: bdt_gym.BdtGymEnv("BDT-small-v0", foo=1, infoLevel="bogus"),
            lambda: gym.make_vec("bdt_gym/BDT-small-v0", num_envs=2, foo=1),
        ):
            with self.assertRaisesRegex(TypeError, r'Unrecognized key: "foo"') as raised:
                make()
            self.assertIsInstance(raised.exception, bdt_gym.UnexpectedKeywordError)
            self.assertIsInstance(raised.exception, bdt_gym.InvalidArgumentError)
            self.assertEqual(raised.exception.kind, "KwargsError")
        with self.assertRaises(bdt_gym.InvalidArgumentError) as raised:
            gym.make("bdt_gym/BDT-small-v0", infoLevel="bogus")
        self.assertNotIsInstance(raised.exception, TypeError, "a bad value is a ValueError")
        env = bdt_gym.BdtGymEnv("BDT-small-v0")
        try:
            env.reset(seed=0)
            with self.assertRaisesRegex(bdt_gym.UnexpectedKeywordError, r'^KwargsError: agent dpra: invalid options:\n  at \(root\): Unrecognized key: "bogus"'):
                env.agent_action("dpra", bogus=1)
        finally:
            env.close()

    def test_arguments_the_server_refuses_are_invalid_argument_errors(self) -> None:
        for steps in (0, 2.5, -2):
            with self.assertRaisesRegex(bdt_gym.InvalidArgumentError, rf"^ArgumentError: make: maxEpisodeSteps = {steps}; give an integer >= 1, or -1"):
                bdt_gym.BdtGymEnv("CartPole-v1", max_episode_steps=steps)
        env = bdt_gym.BdtGymEnv("CartPole-v1")
        try:
            env.reset(seed=1)
            with self.assertRaisesRegex(bdt_gym.InvalidArgumentError, r"^ArgumentError: act: agent dpra acts on a B-DT env; this server serves CartPole-v1"):
                env.agent_action("dpra")
        finally:
            env.close()
        # an agent's factory refusing the env (a plain GymError there) is a refused argument too
        env = bdt_gym.BdtGymEnv("BDT-small-v0")
        try:
            env.reset(seed=1)
            with self.assertRaisesRegex(bdt_gym.InvalidArgumentError, r"^ArgumentError: agent oracle: this scenario has 1\.000e\+3 partition vectors, more than option maxPartitions = 10"):
                env.agent_action("oracle", maxPartitions=10)
            self.assertIn(env.agent_action("oracle"), env.action_space, "the env goes on")
        finally:
            env.close()

    def test_a_bad_seed_is_gymnasiums_error_raised_before_anything_is_seeded(self) -> None:
        env = bdt_gym.BdtGymEnv("CartPole-v1")
        try:
            env.reset(seed=5)
            state = env.np_random.bit_generator.state
            for seed in (True, np.bool_(False), 2**53, -1, 1.5, "x"):
                with self.assertRaises(gym.error.Error, msg=repr(seed)) as raised:
                    env.reset(seed=seed)  # type: ignore[arg-type]
                self.assertIsInstance(raised.exception, bdt_gym.InvalidArgumentError)
                self.assertEqual(env.np_random.bit_generator.state, state, f"seed {seed!r} seeded nothing")
            self.assertEqual(str(raised.exception), "BdtGymEnv.reset: seed = 'x' must be None or an int >= 0")
        finally:
            env.close()
        envs = bdt_gym.BdtGymVectorEnv("BDT-small-v0", 2)
        try:
            with self.assertRaisesRegex(gym.error.Error, r"^BdtGymVectorEnv\.reset: seed = True must be None or an int >= 0$"):
                envs.reset(seed=[1, True])
            envs.reset(seed=5)
            state = envs.np_random.bit_generator.state
            # env i is seeded with seed + i: env 1's would be past 2**53 - 1
            with self.assertRaisesRegex(bdt_gym.InvalidSeedError, rf"^BdtGymVectorEnv\.reset: seed = {2**53 - 1} seeds env i with seed \+ i, up to {2**53}; with 2 envs it must be <= {2**53 - 2} "):
                envs.reset(seed=2**53 - 1)
            self.assertEqual(envs.np_random.bit_generator.state, state, "the refused seed seeded nothing")
            envs.reset(seed=2**53 - 2)  # the largest, still taken
        finally:
            envs.close()

    def test_agent_action_checks_the_agents_action_names_the_agent_and_the_env_goes_on(self) -> None:
        with mock.patch.dict(os.environ, {"BDT_GYM_COMMAND": importing("agent-failures.ts")}):
            env = bdt_gym.BdtGymEnv("BDT-small-v0")
        try:
            env.reset(seed=1)
            with self.assertRaisesRegex(bdt_gym.InvalidActionError, r'^agent "undefined-action": act returned an invalid action: expected an object with keys \[partition, inferenceShare, miningShare\], got undefined'):
                env.agent_action("undefined-action")
            with self.assertRaisesRegex(bdt_gym.InvalidActionError, r'^agent "async-act": act returned a Promise: Agent\.act must be synchronous'):
                env.agent_action("async-act")
            with self.assertRaisesRegex(bdt_gym.InvalidArgumentError, r"^KwargsError: agent zod-options: invalid options:\n  at thresholdDb: "):
                env.agent_action("zod-options", thresholdDb="high")
            self.assertIn(env.agent_action("dpra"), env.action_space, "the env goes on")
        finally:
            env.close()

    def test_gymnasium_wrappers_apply(self) -> None:
        env = FlattenObservation(gym.make("bdt_gym/BDT-v0", infoLevel="summary", scenario={"slots": 5}))
        obs, _ = env.reset(seed=3)
        self.assertEqual(obs.shape, (3 + 3 + 4 + 12 + 4 + 3 + 3 + 1,))
        steps = 0
        truncated = False
        while not truncated:
            _, _, _, truncated, _ = env.step(env.action_space.sample())
            steps += 1
        self.assertEqual(steps, 5, "the scenario's slots end the episode")
        env.close()

    def test_agent_action_gives_dpras_action_which_beats_random(self) -> None:
        def episode_return(policy: str) -> float:
            env = gym.make("bdt_gym/BDT-small-v0", infoLevel="summary", scenario={"slots": 30})
            env.reset(seed=4)
            env.action_space.seed(4)
            total, truncated = 0.0, False
            while not truncated:
                action = env.unwrapped.agent_action("dpra") if policy == "dpra" else env.action_space.sample()
                self.assertIn(action, env.action_space)
                _, reward, _, truncated, _ = env.step(action)
                total += reward
            env.close()
            return total

        self.assertGreater(episode_return("dpra"), episode_return("random"))

    def test_copying_or_pickling_says_the_env_owns_a_process_and_how_to_make_another(self) -> None:
        env = gym.make("bdt_gym/BDT-small-v0")
        envs = gym.make_vec("bdt_gym/BDT-small-v0", num_envs=2)
        try:
            for thing, name in ((env, "BdtGymEnv"), (envs, "BdtGymVectorEnv")):
                for copy_it in (copy.deepcopy, pickle.dumps):
                    with self.assertRaisesRegex(TypeError, rf"^{name} cannot be copied or pickled: it drives a bdt-gym serve process of its own; make another with gym\.make\(env\.spec\)"):
                        copy_it(thing)
        finally:
            env.close()
            envs.close()

    def test_render_ansi(self) -> None:
        env = gym.make("bdt_gym/BDT-small-v0", render_mode="ansi")
        env.reset(seed=0)
        env.step(env.action_space.sample())
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            self.assertRegex(env.render(), r"^slot 0/\d+: tau ")
            check_env(env.unwrapped)
        self.assertEqual([str(w.message) for w in caught if "render" in str(w.message)], [], "a render fps is declared")
        self.assertEqual(env.metadata["render_fps"], 4)
        env.close()

    def test_refuses_a_render_mode_other_than_ansi_in_pythons_terms(self) -> None:
        for render_mode in ("human", "rgb_array"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # gymnasium.make's own warning of a mode outside render_modes
                with self.assertRaisesRegex(ValueError, rf"^BdtGymEnv: render_mode must be None or 'ansi' \(bdt-gym's envs render text\), got '{render_mode}'$"):
                    gym.make("bdt_gym/BDT-small-v0", render_mode=render_mode)


    def test_requests_from_several_threads_take_turns_each_getting_its_own_answer(self) -> None:
        # responses pair with requests by order alone: two threads at once once read each other's
        # answers (a render returning a step's dict) or waited forever for one the other had read
        env = bdt_gym.BdtGymEnv("CartPole-v1", render_mode="ansi")
        wrong: list[str] = []

        def renders() -> None:
            for _ in range(200):
                text = env.render()
                if not isinstance(text, str):
                    wrong.append(f"render gave {text!r:.80}")

        def steps() -> None:
            for _ in range(200):
                _, reward, terminated, truncated, _ = env.step(0)
                if reward != 1.0:
                    wrong.append(f"step gave reward {reward!r}")
                if terminated or truncated:
                    env.reset()

        try:
            env.reset(seed=0)
            threads = [threading.Thread(target=f, daemon=True) for f in (renders, steps, renders)]
            for thread in threads:
                thread.start()
            deadline = time.monotonic() + 60
            for thread in threads:
                thread.join(timeout=max(0.0, deadline - time.monotonic()))
            self.assertFalse(any(thread.is_alive() for thread in threads), "a thread still waits for its answer")
            self.assertEqual(wrong, [])
        finally:
            env.close()


class VectorTest(unittest.TestCase):
    def test_make_vec_is_the_native_vector_env_with_gymnasiums_batches(self) -> None:
        envs = gym.make_vec("bdt_gym/BDT-small-v0", num_envs=3, infoLevel="summary", scenario={"slots": 2})
        self.assertIsInstance(envs, bdt_gym.BdtGymVectorEnv)
        self.assertEqual(envs.metadata["autoreset_mode"], gym.vector.AutoresetMode.NEXT_STEP)
        self.assertEqual(envs.action_space["partition"].shape, (3, 4))
        obs, info = envs.reset(seed=5)
        self.assertIn(obs, envs.observation_space)
        self.assertEqual(info["_slot"].tolist(), [True, True, True])
        envs.action_space.seed(5)
        actions = [envs.action_space.sample() for _ in range(3)]
        steps = [envs.step(a) for a in actions]
        rewards = np.stack([s[1] for s in steps])
        self.assertEqual(steps[0][1].shape, (3,))
        self.assertEqual(steps[1][3].tolist(), [True, True, True], "two-slot episodes truncate together")
        self.assertEqual(steps[2][1].tolist(), [0.0, 0.0, 0.0], "next-step autoreset: the step after the end resets, reward 0")
        self.assertEqual(steps[0][4]["reputation"].shape, (3, 2), "per-env arrays arrive one row per env")
        envs.close()

        # env i of the batch is the single env seeded seed + i, stepped with row i of the actions
        for i in range(3):
            env = gym.make("bdt_gym/BDT-small-v0", infoLevel="summary", scenario={"slots": 2})
            env.reset(seed=5 + i)
            for t in range(2):
                row = {key: value[i] for key, value in actions[t].items()}
                self.assertEqual(env.step(row)[1], rewards[t, i])
            env.close()

    def test_equals_gymnasiums_sync_vector_env_of_single_envs_infos_and_same_step_final_obs_included(self) -> None:
        kwargs = {"infoLevel": "summary", "scenario": {"slots": 3}}
        for mode in (gym.vector.AutoresetMode.NEXT_STEP, gym.vector.AutoresetMode.SAME_STEP):
            native = gym.make_vec("bdt_gym/BDT-small-v0", num_envs=2, autoreset_mode=mode, **kwargs)
            self.assertEqual(native.metadata["autoreset_mode"], mode, "the mode the server runs")
            sync = gym.make_vec("bdt_gym/BDT-small-v0", num_envs=2, vectorization_mode="sync", vector_kwargs={"autoreset_mode": mode}, **kwargs)
            native.reset(seed=1)
            sync.reset(seed=1)
            native.action_space.seed(2)
            for t in range(7):  # two episodes' ends and autoresets
                actions = native.action_space.sample()
                mine, theirs = native.step(actions), sync.step(actions)
                for i in range(4):
                    np.testing.assert_equal(mine[i], theirs[i], err_msg=f"{mode} step {t} part {i}")
                # infos: same keys, values and dtypes (numbers float64 as bdt-gym's doubles, flags and masks bool)
                self.assert_same_info(mine[4], theirs[4], f"{mode} step {t}")
            native.close()
            sync.close()

    def assert_same_info(self, mine: dict[str, Any], theirs: dict[str, Any], where: str) -> None:
        self.assertEqual(sorted(mine), sorted(theirs), where)
        for key, value in theirs.items():
            if key == "final_obs":
                for i, obs in enumerate(value):
                    if obs is None:
                        self.assertIsNone(mine[key][i], where)
                    else:
                        for part in obs:
                            np.testing.assert_equal(mine[key][i][part], obs[part], err_msg=f"{where} final_obs[{i}][{part}]")
                            self.assertEqual(mine[key][i][part].dtype, obs[part].dtype, where)
            elif isinstance(value, dict):
                self.assert_same_info(mine[key], value, f"{where} {key}")
            else:
                np.testing.assert_equal(mine[key], value, err_msg=f"{where} {key}")
                self.assertEqual(mine[key].dtype, value.dtype, f"{where} {key}")

    def test_one_aps_reputations_are_one_column_per_env_as_gymnasiums_sync_vector_env_stacks_them(self) -> None:
        one_ap = {"slots": 3, "topology": {"kind": "explicit", "a": [[1, 0], [1, 0], [0, 1], [0, 1]], "b": [[1], [1]]}}
        native = gym.make_vec("bdt_gym/BDT-small-v0", num_envs=2, infoLevel="summary", scenario=one_ap)
        sync = gym.make_vec("bdt_gym/BDT-small-v0", num_envs=2, vectorization_mode="sync", infoLevel="summary", scenario=one_ap)
        native.reset(seed=3)
        sync.reset(seed=3)
        native.action_space.seed(4)
        actions = native.action_space.sample()
        mine, theirs = native.step(actions)[4], sync.step(actions)[4]
        self.assertEqual(mine["reputation"].shape, (2, 1))
        np.testing.assert_equal(mine["reputation"], theirs["reputation"])
        native.close()
        sync.close()

    def test_vectorization_mode_picks_the_served_vector_env_cartpoles_native_one_by_default(self) -> None:
        native = bdt_gym.BdtGymVectorEnv("CartPole-v1", 2)
        try:
            native.reset(seed=1)
            with self.assertRaisesRegex(bdt_gym.InvalidArgumentError, r"CartPoleVectorEnv\.reset: seed must be one integer.*vectorizationMode: 'sync'"):
                native.reset(seed=[1, 2])
            with self.assertRaisesRegex(bdt_gym.BdtGymError, r'CartPoleVectorEnv\(numEnvs=2\) has no getAttr; make with "vectorizationMode": "sync"'):
                native.get_attr("gravity")
        finally:
            native.close()
        for mode in ("sync", gym.VectorizeMode.SYNC):
            sync = bdt_gym.BdtGymVectorEnv("CartPole-v1", 2, autoreset_mode="SameStep", vectorization_mode=mode)
            try:
                sync.reset(seed=[1, 2])
                self.assertEqual(sync.get_attr("gravity"), (9.8, 9.8))
                self.assertEqual(sync.metadata["autoreset_mode"], gym.vector.AutoresetMode.SAME_STEP)
            finally:
                sync.close()
        entry_point = bdt_gym.BdtGymVectorEnv("CartPole-v1", 2, vectorization_mode="vector_entry_point")
        try:
            with self.assertRaisesRegex(bdt_gym.BdtGymError, r"has no getAttr"):
                entry_point.get_attr("gravity")
        finally:
            entry_point.close()
        with self.assertRaisesRegex(ValueError, r'vectorization_mode="async" runs each env in its own process'):
            bdt_gym.BdtGymVectorEnv("CartPole-v1", 2, vectorization_mode="async")
        with self.assertRaisesRegex(ValueError, r"'bogus' is not a valid VectorizeMode"):
            bdt_gym.BdtGymVectorEnv("CartPole-v1", 2, vectorization_mode="bogus")

    def test_refuses_a_number_of_envs_below_one_as_a_value_error(self) -> None:
        for num_envs in (0, -1, 1.5, True):
            with self.assertRaisesRegex(ValueError, rf"^BdtGymVectorEnv: num_envs = {num_envs!r}; give an integer >= 1$"):
                gym.make_vec("bdt_gym/BDT-small-v0", num_envs=num_envs)
        with self.assertRaisesRegex(bdt_gym.InvalidArgumentError, r"numEnvs = 1025; give an integer from 1 to 1024"):
            bdt_gym.BdtGymVectorEnv("BDT-small-v0", num_envs=1025)

    def test_refuses_what_gymnasium_make_vec_adds_for_a_time_limit_or_a_render_mode_in_pythons_terms(self) -> None:
        with self.assertRaisesRegex(ValueError, r'takes no max_episode_steps: .*scenario=\{"slots": n\}.*vectorization_mode="sync"'):
            gym.make_vec("bdt_gym/BDT-small-v0", num_envs=2, max_episode_steps=10)
        with self.assertRaisesRegex(ValueError, r'does not render; gym\.make_vec\(\.\.\., vectorization_mode="sync", render_mode="ansi"\)'):
            gym.make_vec("bdt_gym/BDT-small-v0", num_envs=2, render_mode="ansi")
        envs = gym.make_vec("bdt_gym/BDT-small-v0", num_envs=2, vectorization_mode="sync", max_episode_steps=3)
        envs.reset(seed=0)
        truncated = [envs.step(envs.action_space.sample())[3] for _ in range(3)]
        self.assertEqual(truncated[-1].tolist(), [True, True], "sync mode: a TimeLimit per env")
        envs.close()

    def test_refuses_full_infos_saying_how_to_get_them(self) -> None:
        with self.assertRaisesRegex(ValueError, r'BdtGymVectorEnv\(env_id, n, vectorization_mode="sync"\) steps a SyncVectorEnv in one server, and gym\.make_vec\(\.\.\., vectorization_mode="sync"\) steps one BdtGymEnv per env, each its own Node server \(about 120 MB\)'):
            gym.make_vec("bdt_gym/BDT-small-v0", num_envs=2, infoLevel="full")
        # the SyncVectorEnv in one server gives them (it was refused as the native env)
        envs = bdt_gym.BdtGymVectorEnv("BDT-small-v0", 2, vectorization_mode="sync", infoLevel="full")
        envs.reset(seed=0)
        info = envs.step(envs.action_space.sample())[4]
        self.assertEqual(info["gateways"]["work"].shape, (2, 2))
        self.assertEqual(info["_gateways"].tolist(), [True, True])
        envs.close()

    def test_refuses_the_vector_options_as_env_keyword_arguments(self) -> None:
        with self.assertRaisesRegex(ValueError, r"autoresetMode is the vector env's own option, not an env keyword argument; give autoreset_mode="):
            gym.make_vec("bdt_gym/BDT-small-v0", num_envs=2, autoresetMode="same-step")

    def test_get_attr_and_call_answer_for_each_env_and_set_attr_is_refused_as_the_typescript_one(self) -> None:
        envs = gym.make_vec("bdt_gym/BDT-small-v0", num_envs=2, infoLevel="summary")
        envs.reset(seed=1)
        self.assertEqual(envs.get_attr("slot"), (0, 0))
        self.assertEqual(envs.get_attr("action_space"), (envs.single_action_space, envs.single_action_space))
        self.assertEqual(envs.get_attr("observationSpace")[1], envs.single_observation_space)
        envs.action_space.seed(1)
        envs.step(envs.action_space.sample())
        self.assertEqual(envs.call("slot"), (1, 1), "call returns an attribute as is, as Gymnasium's")
        queues = envs.get_attr("queues")
        self.assertEqual(queues[1]["G"].shape, (2,))
        self.assertTrue(any(q["G"].any() for q in queues), "each env's live queues")
        envs.single_action_space.seed(1)
        action = envs.single_action_space.sample()
        out = {"partition": [0] * 4, "inferenceFreq": [0.0] * 2, "miningFreq": [0.0] * 2}
        decision = envs.call("decodeAction", action, out)[0]
        self.assertEqual(decision["partition"].tolist(), (action["partition"] + 1).tolist(), "a decision's levels count from 1")
        encoded = envs.call("encodeDecision", decision)[1]
        self.assertEqual(encoded["partition"].tolist(), action["partition"].tolist())
        np.testing.assert_allclose(encoded["miningShare"], action["miningShare"], rtol=1e-12, err_msg="share * frequency / frequency")
        with self.assertRaisesRegex(AttributeError, r'getAttr\("bogus"\): the native vector env has no per-env BdtEnv objects.*from Python, gym\.make_vec\(\.\.\., vectorization_mode="sync"\)'):
            envs.get_attr("bogus")
        with self.assertRaisesRegex(bdt_gym.AttributeRefusedError, r'setAttr\("slot"\): .*sets no attribute'):
            envs.set_attr("slot", 3)
        with self.assertRaisesRegex(ValueError, r"set_attr\('slot'\): got 1 values for 2 envs"):
            envs.set_attr("slot", [3])
        self.assertEqual(envs.get_attr("slot"), (1, 1), "the envs go on")
        envs.close()

        # sync mode's envs are BdtGymEnv objects: call reaches agent_action
        sync = gym.make_vec("bdt_gym/BDT-small-v0", num_envs=2, vectorization_mode="sync", infoLevel="summary")
        sync.reset(seed=1)
        for dpra in sync.call("agent_action", "dpra"):
            self.assertIn(dpra, sync.single_action_space)
        sync.close()

    def test_an_action_call_cannot_read_is_an_invalid_action_error_as_one_outside_the_space(self) -> None:
        # the server answers an unreadable action with a SpaceError, which fell through to a bare BdtGymError (a RuntimeError)
        envs = gym.make_vec("bdt_gym/BDT-small-v0", num_envs=2, scenario={"slots": 2})
        try:
            envs.reset(seed=0)
            for args in ((), ({"partition": "x"},)):
                with self.assertRaises(bdt_gym.InvalidActionError, msg=repr(args)) as raised:
                    envs.call("decodeAction", *args)
                self.assertIsInstance(raised.exception, ValueError)
            self.assertEqual(envs.call("decodeAction", envs.single_action_space.sample())[0]["partition"].dtype, np.int32, "the envs go on")
        finally:
            envs.close()

    def test_get_attr_keeps_counts_and_index_arrays_integers(self) -> None:
        envs = gym.make_vec("bdt_gym/BDT-small-v0", num_envs=2, infoLevel="summary")
        try:
            system = envs.get_attr("system")[1]
        finally:
            envs.close()
        self.assertEqual((system["N"], type(system["N"])), (4, int))
        self.assertEqual(np.zeros(system["N"]).shape, (4,), "a count sizes an array")
        self.assertEqual(system["gatewayOf"].dtype, np.int32, "an Int32Array there")
        self.assertEqual(np.arange(system["M"])[system["gatewayOf"]].tolist(), system["gatewayOf"].tolist(), "an index array indexes")
        self.assertEqual((system["meanGain"].dtype, type(system["noisePsd"])), (np.float64, float), "fractional numbers stay floats")
        envs = gym.make_vec("bdt_gym/BDT-small-v0", num_envs=2, infoLevel="summary")
        try:
            envs.reset(seed=1)
            queues = envs.get_attr("queues")[0]
        finally:
            envs.close()
        self.assertEqual((queues["G"].dtype, queues["G"].tolist()), (np.float64, [0.0, 0.0]), "a Float64Array of whole numbers stays float64")

    def test_refused_batch_raises_and_the_envs_go_on(self) -> None:
        envs = bdt_gym.BdtGymVectorEnv("BDT-small-v0", num_envs=2, infoLevel="summary")
        envs.reset(seed=0)
        # a refused reset leaves the vector env's np_random as it was
        with self.assertRaisesRegex(bdt_gym.InvalidArgumentError, r'unknown reset option "bogus"'):
            envs.reset(seed=99, options={"bogus": 1})
        self.assertEqual(envs.np_random_seed, 0)
        actions = envs.action_space.sample()
        actions["miningShare"][1, 0] = 2.0
        with self.assertRaisesRegex(bdt_gym.InvalidActionError, r"miningShare"):
            envs.step(actions)
        actions["miningShare"][1, 0] = 0.5
        # the server reads each key as a flat list: a transposed or flattened batch would pass there
        # and send values to the wrong env, so the shape is checked here
        for key, wrong in (("partition", actions["partition"].T.copy()), ("inferenceShare", actions["inferenceShare"].ravel())):
            with self.assertRaisesRegex(bdt_gym.InvalidActionError, rf"^BdtGymVectorEnv\.step: invalid actions \(a batch of 2\): key '{key}': shape \({wrong.shape[0]},\)?.*, expected \(2, \d+\)$"):
                envs.step({**actions, key: wrong})
        with self.assertRaisesRegex(bdt_gym.InvalidActionError, r"^BdtGymVectorEnv\.step: invalid actions \(a batch of 2\): key 'miningShare': element \[0\]\[0\] has type complex, not a number$"):
            envs.step({**actions, "miningShare": actions["miningShare"] + np.array([[0], [1j]])})
        self.assertEqual(envs.step(actions)[4]["slot"].tolist(), [0.0, 0.0])
        envs.close()
        env = bdt_gym.BdtGymEnv("BDT-small-v0")
        env.reset(seed=0)
        action = env.action_space.sample()
        with self.assertRaisesRegex(bdt_gym.InvalidActionError, r"^BdtGymEnv\.step: invalid action: key 'partition': shape \(2, 2\), expected \(4,\)$"):
            env.step({**action, "partition": action["partition"].reshape(2, 2)})
        env.step({**action, "partition": action["partition"].tolist()})  # a list of the right length is an array of it
        # entries JSON cannot carry are refused here, naming the key and element, not by json.dumps
        for entries, kind in ((np.array([object(), 0.5], dtype=object), "object"), (np.array([0.5 + 1j, 0.5]), "complex")):
            with self.assertRaisesRegex(bdt_gym.InvalidActionError, rf"^BdtGymEnv\.step: invalid action: key 'inferenceShare': element \[0\] has type {kind}, not a number$"):
                env.step({**action, "inferenceShare": entries})
        env.step(action)
        env.close()


@contextlib.contextmanager
def server_stopped(env: gym.Env[Any, Any]) -> Iterator[None]:
    """The env's server stopped (SIGSTOP) for the block, so that a request waits on it; continued after."""
    pid = env.unwrapped._server._process.pid
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)


def interrupted(call: Callable[[], Any], after: float = 0.3) -> None:
    """Calls ``call`` with a KeyboardInterrupt raised in it ``after`` seconds on (and every
    ``after`` seconds until it gives way), as a Ctrl-C would; fails if it returns."""

    def ctrl_c(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, ctrl_c)
    signal.setitimer(signal.ITIMER_REAL, after, after)
    try:
        call()
    except KeyboardInterrupt:
        return
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    raise AssertionError("the call returned before it was interrupted")


@unittest.skipUnless(hasattr(signal, "setitimer") and hasattr(signal, "SIGSTOP"), "POSIX signals")
class InterruptionTest(unittest.TestCase):
    def test_a_terminals_ctrl_c_interrupts_python_not_the_server(self) -> None:
        # a terminal's Ctrl-C is SIGINT to the whole foreground process group: here, a Python in a session of its own
        script = textwrap.dedent(
            """
            import os, signal, time
            import bdt_gym
            env = bdt_gym.BdtGymEnv("BDT-small-v0", infoLevel="summary")
            env.reset(seed=0)
            try:
                os.killpg(0, signal.SIGINT)
                time.sleep(10)
            except KeyboardInterrupt:
                print("interrupted")
            print(env.reset(seed=0)[1])
            env.close()
            """
        )
        python = [sys.executable, "-c", script]
        result = subprocess.run(python, cwd=PYTHON_DIR, env={**os.environ, "PYTHONPATH": str(PYTHON_DIR)}, start_new_session=True, capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, "interrupted\n{'slot': 0}\n", "the env went on after the Ctrl-C")

    def test_an_interrupted_step_takes_place_and_the_next_request_gets_its_own_answer(self) -> None:
        env = bdt_gym.BdtGymEnv("BDT-small-v0", infoLevel="summary")
        env.reset(seed=2)
        env.action_space.seed(2)
        first, second = env.action_space.sample(), env.action_space.sample()
        with server_stopped(env):  # the step waits for its answer when the Ctrl-C comes
            interrupted(lambda: env.step(first))
        obs, reward, *_ = env.step(second)

        fresh = bdt_gym.BdtGymEnv("BDT-small-v0", infoLevel="summary")
        fresh.reset(seed=2)
        fresh.step(first)
        fresh_obs, fresh_reward, *_ = fresh.step(second)
        self.assertEqual((as_lists(obs), reward), (as_lists(fresh_obs), fresh_reward), "the env is as after the interrupted step, and this step's answer is its own")

        with server_stopped(env):
            interrupted(lambda: env.step(first))
        obs, info = env.reset(seed=3)
        fresh_obs, fresh_info = fresh.reset(seed=3)
        self.assertEqual((as_lists(obs), info), (as_lists(fresh_obs), fresh_info), "a reset after an interrupted step is that reset")
        env.close()
        fresh.close()

    def test_close_kills_a_server_still_busy_with_an_interrupted_request_rather_than_wait_for_it(self) -> None:
        with mock.patch.dict(os.environ, {"BDT_GYM_COMMAND": importing("agent-failures.ts")}):
            env = bdt_gym.BdtGymEnv("BDT-small-v0")
        env.reset(seed=1)
        process = env._server._process
        assert process is not None
        interrupted(lambda: env.agent_action("slow", ms=30_000), after=1.0)
        start = time.monotonic()
        with mock.patch.object(bdt_gym.server, "_CLOSE_SECONDS", 1.0):
            env.close()
        self.assertLess(time.monotonic() - start, 5, "close waited for the slow agent")
        self.assertEqual(process.returncode, -signal.SIGKILL)

    def test_a_request_interrupted_while_being_sent_is_sent_whole_before_the_next(self) -> None:
        trace = saved_trace(600)
        env = bdt_gym.BdtGymEnv("BDT-v0", infoLevel="summary", scenario={"slots": 600})
        env.reset(seed=0)
        self.assertGreater(len(json.dumps(trace)), 65536, "more than a pipe holds, so that sending it waits for the stopped server")
        with server_stopped(env):
            interrupted(lambda: env.reset(options={"trace": trace}))
        env.action_space.seed(0)
        action = env.action_space.sample()
        obs, reward, *_ = env.step(action)

        fresh = bdt_gym.BdtGymEnv("BDT-v0", infoLevel="summary", scenario={"slots": 600})
        fresh.reset(options={"trace": trace})
        fresh_obs, fresh_reward, *_ = fresh.step(action)
        self.assertEqual((as_lists(obs), reward), (as_lists(fresh_obs), fresh_reward), "the env was reset with the trace, then stepped")
        env.close()
        fresh.close()


class InitialisationTest(unittest.TestCase):
    def test_a_failure_after_the_server_started_ends_it(self) -> None:
        for module, make in ((bdt_gym.env, lambda: bdt_gym.BdtGymEnv("BDT-small-v0")), (bdt_gym.vector_env, lambda: bdt_gym.BdtGymVectorEnv("BDT-small-v0", num_envs=2))):
            started: list[subprocess.Popen[bytes]] = []

            class RecordedServer(Server):
                def __init__(self) -> None:
                    super().__init__()
                    started.append(self._process)

            with mock.patch.object(module, "Server", RecordedServer), mock.patch.object(module, "space_from_json", side_effect=ValueError("an unreadable space")):
                try:
                    make()
                except ValueError:
                    # the half-made env lives on in this traceback (as in a notebook's last error), yet its server has ended
                    self.assertIsNotNone(started[0].poll(), f"{module.__name__}: the server still runs")
                else:
                    self.fail(f"{module.__name__}: no ValueError")


class ExitTest(unittest.TestCase):
    """A script that leaves its envs open ends their servers as it exits, and exits."""

    def assert_exits_ending_its_servers(self, script: str, returncode: int) -> subprocess.CompletedProcess[str]:
        """Runs ``script``, which prints its servers' pids on its first line."""
        python = [sys.executable, "-c", textwrap.dedent(script)]
        try:
            # a hang detector, not a timing: such a script once waited forever at exit
            result = subprocess.run(python, cwd=PYTHON_DIR, env={**os.environ, "PYTHONPATH": str(PYTHON_DIR)}, capture_output=True, text=True, timeout=60)
        except subprocess.TimeoutExpired as expired:
            printed = expired.stdout.decode() if isinstance(expired.stdout, bytes) else expired.stdout or ""
            for pid in printed.split("\n")[0].split():
                with contextlib.suppress(OSError):
                    os.killpg(int(pid), signal.SIGKILL)  # the servers a hung script left, each in a session of its own
            self.fail(f"the script did not exit; it printed {printed!r}")
        self.assertEqual(result.returncode, returncode, result.stderr)
        pids = [int(pid) for pid in result.stdout.split("\n")[0].split()]
        self.assertTrue(pids, result.stdout)
        for pid in pids:
            with self.assertRaises(ProcessLookupError, msg=f"server {pid} outlived the script"):
                os.kill(pid, 0)
        return result

    def test_envs_left_open(self) -> None:
        self.assert_exits_ending_its_servers(
            """
            import gymnasium as gym, bdt_gym
            env = gym.make("bdt_gym/BDT-small-v0", infoLevel="summary")
            env.reset(seed=0)
            envs = gym.make_vec("bdt_gym/BDT-small-v0", num_envs=2)
            envs.reset(seed=0)
            print(env.unwrapped._server._process.pid, envs.unwrapped._server._process.pid)
            """,
            0,
        )

    def test_an_uncaught_exception(self) -> None:
        result = self.assert_exits_ending_its_servers(
            """
            import gymnasium as gym, bdt_gym
            def main():
                env = gym.make("bdt_gym/BDT-small-v0", infoLevel="summary")
                env.reset(seed=0)
                print(env.unwrapped._server._process.pid, flush=True)
                raise ValueError("boom")
            main()
            """,
            1,
        )
        self.assertTrue(result.stderr.endswith("ValueError: boom\n"), result.stderr)

    def test_an_env_made_after_bdt_gyms_exit_hook_ended_at_interpreter_shutdown(self) -> None:
        # an exit hook registered before bdt_gym's runs after it: its env is left to the garbage collector
        self.assert_exits_ending_its_servers(
            """
            import atexit
            def make_late_env():
                global late
                late = bdt_gym.BdtGymEnv("BDT-small-v0")
                late.reset(seed=0)
                print(late._server._process.pid, flush=True)
            atexit.register(make_late_env)
            import bdt_gym
            """,
            0,
        )

    @unittest.skipUnless(hasattr(os, "killpg"), "POSIX signals")
    def test_a_second_ctrl_c_while_close_waits_for_an_interrupted_slow_request(self) -> None:
        result = self.assert_exits_ending_its_servers(
            f"""
            import os, signal, threading
            os.environ["BDT_GYM_COMMAND"] = {importing("agent-failures.ts")!r}
            import bdt_gym
            bdt_gym.server._CLOSE_SECONDS = 600  # so that close is still waiting for the request when the second Ctrl-C comes
            env = bdt_gym.BdtGymEnv("BDT-small-v0")
            env.reset(seed=1)
            print(env._server._process.pid, flush=True)
            def ctrl_c():
                os.kill(os.getpid(), signal.SIGINT)
            threading.Timer(0.5, ctrl_c).start()
            try:
                env.agent_action("slow", ms=600_000)
            except KeyboardInterrupt:
                print("interrupted the request", flush=True)
            threading.Timer(0.5, ctrl_c).start()
            try:
                env.close()
            except KeyboardInterrupt:
                print("interrupted close", flush=True)
            """,
            0,
        )
        self.assertEqual(result.stdout.split("\n")[1:], ["interrupted the request", "interrupted close", ""])

    @unittest.skipUnless(sys.platform.startswith("linux"), "PR_SET_PDEATHSIG is Linux's")
    def test_a_killed_python_takes_its_server_busy_with_a_slow_request_with_it(self) -> None:
        script = f"""
            import os, signal, threading
            os.environ["BDT_GYM_COMMAND"] = {importing("agent-failures.ts")!r}
            import bdt_gym
            env = bdt_gym.BdtGymEnv("BDT-small-v0")
            env.reset(seed=1)
            print(env._server._process.pid, flush=True)
            threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGKILL)).start()
            env.agent_action("slow", ms=600_000)  # the server reads no more input until it ends
            """
        result = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], cwd=PYTHON_DIR, env={**os.environ, "PYTHONPATH": str(PYTHON_DIR)}, capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, -signal.SIGKILL, result.stderr)
        pid = int(result.stdout.split()[0])
        try:
            # a bound, not a timing: the server, busy for 600 s, is gone long before
            deadline = time.monotonic() + 30
            while running(pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            self.assertFalse(running(pid), f"server {pid} outlived the killed script")
        finally:
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)

    def test_an_env_made_in_a_thread_that_ended_still_runs(self) -> None:
        # Linux's parent-death signal would come when the thread that started the server ends
        made: list[bdt_gym.BdtGymEnv] = []
        thread = threading.Thread(target=lambda: made.append(bdt_gym.BdtGymEnv("BDT-small-v0", infoLevel="summary")))
        thread.start()
        thread.join()
        env = made[0]
        try:
            self.assertEqual(env.reset(seed=0)[1], {"slot": 0})
        finally:
            env.close()


def running(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie no parent reaped, as an orphan's in a container, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _request_in_child(env: bdt_gym.BdtGymEnv, connection: Any) -> None:
    """A forked child's try at its parent's env, reported on ``connection``; it ends when told."""
    try:
        env.reset(seed=1)
        connection.send("the reset ran")
    except Exception as error:
        connection.send(f"{type(error).__name__}: {error}")
    connection.recv()


@unittest.skipUnless(hasattr(os, "register_at_fork"), "POSIX fork")
class ForkTest(unittest.TestCase):
    def test_a_forked_child_leaves_the_parents_server_to_the_parent(self) -> None:
        # as the workers of gym.make_vec(..., vectorization_mode="async"), forked while an env runs
        env = bdt_gym.BdtGymEnv("BDT-small-v0", infoLevel="summary")
        env.reset(seed=0)
        process = env._server._process
        assert process is not None
        context = multiprocessing.get_context("fork")
        parent_end, child_end = context.Pipe()
        child = context.Process(target=_request_in_child, args=(env, child_end))
        child.start()
        try:
            self.assertRegex(parent_end.recv(), rf"^RuntimeError: bdt_gym: this env's server belongs to process {os.getpid()}, which forked this one")
            env.close()  # while the child runs
            self.assertEqual(process.returncode, 0, "the server ended at the end of its input, not killed after waiting for it")
        finally:
            parent_end.send("done")
            child.join(timeout=60)


class ServerCommandTest(unittest.TestCase):
    def test_bdt_gym_command_keeps_windows_paths_whole(self) -> None:
        split = bdt_gym.server.split_command
        self.assertEqual(split(r'"C:\Program Files\nodejs\node.exe" C:\bdt-gym\bin\bdt-gym.js --import .\my-agents.ts', windows=True), [r"C:\Program Files\nodejs\node.exe", r"C:\bdt-gym\bin\bdt-gym.js", "--import", r".\my-agents.ts"])
        self.assertEqual(split("node '/opt/bdt gym/bin/bdt-gym.js' --import ./a\\ b.ts", windows=False), ["node", "/opt/bdt gym/bin/bdt-gym.js", "--import", "./a b.ts"])
        with mock.patch.dict(os.environ, {"BDT_GYM_COMMAND": "node /opt/x/bin/bdt-gym.js"}):
            self.assertEqual(bdt_gym.server.server_command(), ["node", "/opt/x/bin/bdt-gym.js", "serve"])

    def test_a_copy_outside_the_checkout_names_the_checkouts_script_not_npx(self) -> None:
        # as a non-editable install leaves it: the package in site-packages, no bin/bdt-gym.js above it
        with tempfile.TemporaryDirectory() as directory:
            site_packages = Path(directory) / "site-packages"
            shutil.copytree(PYTHON_DIR / "bdt_gym", site_packages / "bdt_gym", ignore=shutil.ignore_patterns("__pycache__"))
            script = 'import gymnasium as gym, bdt_gym; gym.make("bdt_gym/BDT-v0")'
            environment = {key: value for key, value in os.environ.items() if key != "BDT_GYM_COMMAND"}
            result = subprocess.run([sys.executable, "-c", script], cwd=directory, env={**environment, "PYTHONPATH": str(site_packages)}, capture_output=True, text=True, timeout=60)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn('set BDT_GYM_COMMAND="node /path/to/bdt-gym/bin/bdt-gym.js"', result.stderr)
        self.assertIn("pip install -e python", result.stderr)
        self.assertNotIn("npx", result.stderr)

    def test_a_server_that_exits_at_once_says_why_and_its_stderr_still_shows(self) -> None:
        # a checkout before `npm install`: bin/bdt-gym.js cannot import tsx
        with tempfile.TemporaryDirectory() as directory, tempfile.TemporaryFile() as captured:
            checkout = Path(directory)
            (checkout / "bin").mkdir()
            shutil.copy(REPOSITORY / "bin" / "bdt-gym.js", checkout / "bin")
            environment = {key: value for key, value in os.environ.items() if key != "BDT_GYM_COMMAND"}
            with mock.patch.object(bdt_gym.server, "_REPOSITORY", checkout), mock.patch.dict(os.environ, environment, clear=True), fd_redirected(2, captured):
                with self.assertRaises(RuntimeError) as raised:
                    bdt_gym.BdtGymEnv("BDT-small-v0")
            captured.seek(0)
            forwarded = captured.read().decode()
        message = str(raised.exception)
        # bin/bdt-gym.js says itself what to do: one line, which the error ends with
        said = f"bdt-gym: tsx is not installed: run `npm install` in {checkout}"
        self.assertEqual(message, f"bdt_gym: the server exited (status 1) without answering make; its stderr ended with:\n{said}")
        self.assertIn(said, forwarded, "the server's stderr reaches this process's")

    def test_a_server_that_closes_its_output_but_runs_on_is_killed_not_waited_for_forever(self) -> None:
        # the error's exit status was read with a wait() that had no deadline, before anything killed the server
        script = "import os, time; os.close(1); time.sleep(120)"
        with mock.patch.dict(os.environ, {"BDT_GYM_COMMAND": f"{shlex.quote(sys.executable)} -c {shlex.quote(script)}"}):
            started = time.monotonic()
            with self.assertRaises(RuntimeError) as raised:
                bdt_gym.BdtGymEnv("CartPole-v1")
        self.assertLess(time.monotonic() - started, 60)
        self.assertEqual(str(raised.exception), "bdt_gym: the server closed its output but did not exit (killed after 5 s) without answering make")

    def test_on_windows_the_server_runs_in_a_process_group_of_its_own_which_a_consoles_ctrl_c_skips(self) -> None:
        # a Windows console's Ctrl-C reaches every process attached to it: the server's node exited,
        # and the env was dead after Python's KeyboardInterrupt
        class Started(Exception):
            pass

        create_new_process_group = 0x200  # its value on Windows, where subprocess defines it
        command = mock.patch.object(bdt_gym.server, "server_command", return_value=["node", "bdt-gym.js", "serve"])  # which runs node --version
        with command, mock.patch.object(subprocess, "CREATE_NEW_PROCESS_GROUP", create_new_process_group, create=True), mock.patch.object(subprocess, "Popen", side_effect=Started) as popen:
            with self.assertRaises(Started):
                Server()
        self.assertEqual(popen.call_args.kwargs["creationflags"], create_new_process_group)

    def test_the_server_runs_on_the_checkouts_own_node_once_npm_install_fetched_it(self) -> None:
        with tempfile.TemporaryDirectory() as directory:
            checkout = Path(directory)
            (checkout / "bin").mkdir()
            cli = str(checkout / "bin" / "bdt-gym.js")
            Path(cli).touch()
            pinned = checkout / "node_modules" / "node" / "bin" / "node"
            environment = {key: value for key, value in os.environ.items() if key != "BDT_GYM_COMMAND"}
            with mock.patch.object(bdt_gym.server, "_REPOSITORY", checkout), mock.patch.dict(os.environ, environment, clear=True), mock.patch.object(bdt_gym.server.shutil, "which", return_value="/usr/bin/node"):
                self.assertEqual(bdt_gym.server.server_command(), ["/usr/bin/node", cli, "serve"], "no node_modules: the PATH's node")
                pinned.parent.mkdir(parents=True)
                pinned.write_text("#!/bin/sh\nexit 1\n")
                pinned.chmod(0o755)
                self.assertEqual(bdt_gym.server.server_command(), ["/usr/bin/node", cli, "serve"], "a binary that does not run here (built for another platform): the PATH's node")
                pinned.write_text("#!/bin/sh\necho v24.21.0\n")
                self.assertEqual(bdt_gym.server.server_command(), [str(pinned), cli, "serve"])

    def test_bdt_gym_command_with_import_brings_a_users_agent_and_env_id(self) -> None:
        # the route python/README.md gives for agents and scenarios written in TypeScript
        fixture = REPOSITORY / "test" / "cli" / "fixtures" / "user-registrations.ts"
        command = f"node {REPOSITORY / 'bin' / 'bdt-gym.js'} --import {fixture}"
        with mock.patch.dict(os.environ, {"BDT_GYM_COMMAND": command}):
            env = bdt_gym.BdtGymEnv("FixtureSmall-v0")
            try:
                env.reset(seed=1)
                action = env.agent_action("first-unit")
                self.assertIn(action, env.action_space)
                self.assertEqual(action["partition"].tolist(), [0] * len(action["partition"]), "the fixture agent runs one unit on each gateway")
                truncated, steps = False, 0
                while not truncated:
                    *_, truncated, _ = env.step(action)
                    steps += 1
                self.assertEqual(steps, 8, "the fixture's scenario has 8 slots")
            finally:
                env.close()

    def test_a_killed_server_says_so_and_every_later_request_the_same(self) -> None:
        env = bdt_gym.BdtGymEnv("BDT-small-v0")
        try:
            env.reset(seed=1)
            process = env._server._process
            assert process is not None
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            messages = []
            for _ in range(2):
                with self.assertRaises(RuntimeError) as raised:
                    env.step(env.action_space.sample())
                messages.append(str(raised.exception))
            self.assertTrue(messages[0].startswith("bdt_gym: the server exited (killed by SIGKILL)"), messages[0])
            self.assertEqual(messages[1], messages[0], "not 'without answering an interrupted request'")
        finally:
            env.close()

    def test_only_a_json_object_with_a_result_or_an_error_is_read_as_a_response(self) -> None:
        # anything else on the server's stdout (a stray console.dir) is refused, not paired with a request
        self.assertIsNone(bdt_gym.server._response(b"{ dir: 1 }\n"))
        self.assertIsNone(bdt_gym.server._response(b"1\n"))
        self.assertIsNone(bdt_gym.server._response(b'{"dir": 1}\n'))
        self.assertEqual(bdt_gym.server._response(b'{"result": null}\n'), {"result": None})
        self.assertEqual(bdt_gym.server._response(b'{"error": {"type": "GymError", "message": "m"}}\n'), {"error": {"type": "GymError", "message": "m"}})

    def test_a_missing_package_in_a_server_stack_trace_gets_the_npm_install_hint(self) -> None:
        # a partial install: tsx is there, another package is not, and Node prints its stack
        # the tail's thread forwards the lines to stderr as it reads them: start it inside the redirect
        with tempfile.TemporaryFile() as sink, fd_redirected(2, sink):
            tail = bdt_gym.server._StderrTail(io.BytesIO(b"node:internal/modules/run_main\nError [ERR_MODULE_NOT_FOUND]: Cannot find package 'zod'\n"))
            explained = tail.explain()
        self.assertTrue(explained.endswith("Cannot find package 'zod'\n(a package is missing: run `npm install` in the bdt-gym checkout)"), explained)


@contextlib.contextmanager
def fd_redirected(fd: int, file: Any) -> Iterator[None]:
    """File descriptor ``fd`` writing to ``file`` for the block."""
    saved = os.dup(fd)
    os.dup2(file.fileno(), fd)
    try:
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)


class PackagingTest(unittest.TestCase):
    @unittest.skipUnless(sys.version_info >= (3, 11), "tomllib is Python 3.11's")
    def test_pyproject_names_the_readme_and_a_setuptools_with_editable_installs(self) -> None:
        import tomllib

        pyproject = tomllib.loads((PYTHON_DIR / "pyproject.toml").read_text())
        self.assertEqual(pyproject["project"]["readme"], "README.md")
        self.assertTrue((PYTHON_DIR / "README.md").is_file())
        self.assertEqual(pyproject["build-system"]["requires"], ["setuptools>=64"], "PEP 660 editable installs")

    def test_the_built_package_holds_the_py_typed_marker(self) -> None:
        # without it, mypy skips an installed bdt_gym's hints (import-untyped); build_py lays out
        # what a wheel holds, without needing the wheel package or an index
        with tempfile.TemporaryDirectory() as directory:
            source, out = Path(directory) / "python", Path(directory) / "lib"
            # a copy, so the build leaves no build/ or egg-info in the checkout
            shutil.copytree(PYTHON_DIR, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
            subprocess.run([sys.executable, "-c", "import setuptools; setuptools.setup()", "build_py", "-d", str(out)], cwd=source, check=True, capture_output=True)
            self.assertTrue((out / "bdt_gym" / "py.typed").is_file())

    def test_the_readmes_python_runs(self) -> None:
        blocks = re.findall(r"```python\n(.*?)```", (PYTHON_DIR / "README.md").read_text(), re.DOTALL)
        self.assertGreaterEqual(len(blocks), 2)
        namespace: dict[str, Any] = {}
        exec("".join(blocks), namespace)
        namespace["env"].close()
        namespace["envs"].close()


class JsonDataTest(unittest.TestCase):
    """NumPy values where the server takes JSON: keyword arguments, reset options, seeds, agent options."""

    def test_single_env(self) -> None:
        trace = saved_trace(600)
        plain = bdt_gym.BdtGymEnv("BDT-v0", infoLevel="summary", scenario={"slots": 600, "lyapunov": {"V": 20.0}}, max_episode_steps=600)
        numpy = bdt_gym.BdtGymEnv("BDT-v0", infoLevel="summary", scenario={"slots": np.int64(600), "lyapunov": {"V": np.float64(20.0)}}, max_episode_steps=np.int32(600))
        plain.action_space.seed(1)
        actions = [plain.action_space.sample() for _ in range(5)]
        for options, numpy_options in (({"trace": trace}, {"trace": as_numpy(trace)}), (None, None)):
            seed, numpy_seed = (None, None) if options else (4, np.int64(4))
            obs, info = plain.reset(seed=seed, options=options)
            numpy_obs, numpy_info = numpy.reset(seed=numpy_seed, options=numpy_options)
            self.assertEqual((as_lists(numpy_obs), numpy_info), (as_lists(obs), info))
            self.assertEqual([numpy.step(a)[1] for a in actions], [plain.step(a)[1] for a in actions], "the same scenario (V = 20)")
        partition = [1] * 12
        self.assertEqual(
            as_lists(numpy.agent_action("wdpo", partition=np.asarray(partition, dtype=np.int64))),
            as_lists(plain.agent_action("wdpo", partition=partition)),
        )
        plain.close()
        numpy.close()

    def test_vector_env(self) -> None:
        trace = saved_trace(600)
        plain = bdt_gym.BdtGymVectorEnv("BDT-v0", num_envs=2, infoLevel="summary", scenario={"slots": 600})
        numpy = bdt_gym.BdtGymVectorEnv("BDT-v0", num_envs=np.int64(2), infoLevel="summary", scenario={"slots": np.int64(600)})
        for seed, numpy_seed in ((4, np.int64(4)), ([4, 9], np.asarray([4, 9])), ([7, None], [np.int64(7), None])):
            obs, _ = plain.reset(seed=seed)
            self.assertEqual(as_lists(numpy.reset(seed=numpy_seed)[0]), as_lists(obs), f"seed {seed}")
        obs, _ = plain.reset(options={"trace": trace})
        self.assertEqual(as_lists(numpy.reset(options={"trace": as_numpy(trace)})[0]), as_lists(obs))
        plain.close()
        numpy.close()


class SpacesFromJsonTest(unittest.TestCase):
    """``space_from_json`` on each space's ``toJSON()`` form (env/spaces/*.ts)."""

    def test_box_bounds_are_one_for_all_or_one_per_element_in_a_flat_list(self) -> None:
        box = space_from_json({"type": "Box", "low": [0, 1, 2, 3], "high": [4, 5, 6, 7], "shape": [2, 2], "dtype": "float64"})
        self.assertEqual(box, spaces.Box(low=np.array([[0.0, 1.0], [2.0, 3.0]]), high=np.array([[4.0, 5.0], [6.0, 7.0]]), dtype=np.float64))
        self.assertEqual(box.low[1, 0], 2.0, "row-major, as the TypeScript Box")
        box = space_from_json({"type": "Box", "low": "-Infinity", "high": [1, 2, 3, 4, 5, "Infinity"], "shape": [3, 2], "dtype": "float32"})
        self.assertEqual(box, spaces.Box(low=-np.inf, high=np.array([[1, 2], [3, 4], [5, np.inf]], dtype=np.float32), dtype=np.float32))
        self.assertEqual(space_from_json({"type": "Box", "low": 0, "high": 1, "shape": [3], "dtype": "float32"}), spaces.Box(0, 1, (3,), np.float32))
        with self.assertRaisesRegex(ValueError, r"bdt_gym: a Box of shape \[2, 2\] from the server has 3 high bounds"):
            space_from_json({"type": "Box", "low": 0, "high": [1, 2, 3], "shape": [2, 2], "dtype": "float32"})

    def test_discrete_spaces_and_composites(self) -> None:
        self.assertEqual(space_from_json({"type": "Discrete", "n": 3, "start": -1}), spaces.Discrete(3, start=-1))
        self.assertEqual(space_from_json({"type": "MultiDiscrete", "nvec": [5, 8], "start": [0, 1]}), spaces.MultiDiscrete([5, 8], start=[0, 1]))
        self.assertEqual(space_from_json({"type": "MultiBinary", "shape": [4]}), spaces.MultiBinary(4))
        self.assertEqual(space_from_json({"type": "MultiBinary", "shape": [2, 3]}), spaces.MultiBinary([2, 3]))
        self.assertEqual(
            space_from_json({"type": "Tuple", "spaces": [{"type": "Discrete", "n": 2, "start": 0}, {"type": "MultiBinary", "shape": [2]}]}),
            spaces.Tuple([spaces.Discrete(2), spaces.MultiBinary(2)]),
        )
        both = space_from_json({"type": "Dict", "keys": ["z", "a"], "spaces": [{"type": "Discrete", "n": 2, "start": 0}, {"type": "Box", "low": 0, "high": 1, "shape": [2], "dtype": "float64"}]})
        self.assertEqual(both, spaces.Dict({"z": spaces.Discrete(2), "a": spaces.Box(0, 1, (2,), np.float64)}))
        self.assertEqual(list(both.spaces), ["z", "a"], "the server's key order, not sorted")
        with self.assertRaisesRegex(ValueError, r"bdt_gym: unknown space type 'Graph' from the server"):
            space_from_json({"type": "Graph"})


class _ActionOnly(gym.Env[np.ndarray, Any]):
    """An env that only has an action space (no server): what the wrappers read."""

    observation_space = spaces.Box(0, 1, (1,), np.float32)

    def __init__(self, action_space: spaces.Space[Any]) -> None:
        self.action_space = action_space


#: The action space of BDT-small-v0.
SMALL = spaces.Dict([("partition", spaces.MultiDiscrete([5, 5, 8, 5])), ("inferenceShare", spaces.Box(0, 1, (2,), np.float64)), ("miningShare", spaces.Box(0, 1, (2,), np.float64))])


class WrappersTest(unittest.TestCase):
    def test_box_action_maps_the_unit_box_onto_the_dict(self) -> None:
        env = BoxAction(_ActionOnly(SMALL))
        self.assertEqual(env.action_space, spaces.Box(0, 1, (4 + 2 + 2,), np.float32))
        self.assertIs(type(env.action_space), spaces.Box)

        def mapped(u: list[float]) -> dict[str, list[Any]]:
            return as_lists(env.action(np.asarray(u, dtype=np.float32)))

        self.assertEqual(mapped([0] * 8), {"partition": [0, 0, 0, 0], "inferenceShare": [0, 0], "miningShare": [0, 0]})
        self.assertEqual(mapped([1] * 8), {"partition": [4, 4, 7, 4], "inferenceShare": [1, 1], "miningShare": [1, 1]}, "u = 1 is the last level")
        self.assertEqual(mapped([0.2, 0.39, 0.5, 0.99, 0.25, 0.75, 0.5, 0.125])["partition"], [1, 1, 4, 4], "floor(u * L)")
        self.assertEqual(mapped([0.2, 0.39, 0.5, 0.99, 0.25, 0.75, 0.5, 0.125]), {"partition": [1, 1, 4, 4], "inferenceShare": [0.25, 0.75], "miningShare": [0.5, 0.125]}, "shares pass through")
        self.assertEqual(env.action(np.zeros(8))["partition"].dtype, np.int64)
        # the env's own InvalidActionError (a ValueError), as for an action the env refuses
        with self.assertRaisesRegex(bdt_gym.InvalidActionError, r"BoxAction: action\[5\] = 1\.5 is outside Box"):
            env.action(np.asarray([0, 0, 0, 0, 0, 1.5, 0, 0]))
        with self.assertRaisesRegex(bdt_gym.InvalidActionError, r"BoxAction: action\[0\] = nan is NaN$"):
            env.action(np.full(8, np.nan))
        with self.assertRaisesRegex(bdt_gym.InvalidActionError, r"BoxAction: an action of shape \(7,\) for Box"):
            env.action(np.zeros(7))
        scaled = BoxAction(_ActionOnly(spaces.Dict([("x", spaces.Box(-2, 2, (1,), np.float64)), ("k", spaces.MultiDiscrete([3], start=[1]))])), dtype=np.float64)
        self.assertEqual(as_lists(scaled.action(np.asarray([0.75, 1.0]))), {"x": [1.0], "k": [3]}, "Box bounds scale, MultiDiscrete starts count")

    def test_a_box_wider_than_its_largest_float_mixes_the_bounds_as_the_typescript_wrappers(self) -> None:
        # high - low overflows to inf (low + u * inf: nan at u = 0, inf elsewhere); float32 bounds subtract in float32
        wide = spaces.Dict({"x": spaces.Box(-1e308, 1e308, (4,), np.float64), "y": spaces.Box(-3e38, 3e38, (1,), np.float32)})
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no numpy overflow warning either
            boxed = BoxAction(_ActionOnly(wide), dtype=np.float64).action(np.asarray([0, 0.5, 1, 0.25, 0.75]))
            levelled = MultiDiscreteAction(_ActionOnly(wide), levels=5).action(np.asarray([0, 1, 2, 4, 3]))
        self.assertEqual(boxed["x"].tolist(), [-1e308, 0, 1e308, -1e308 * 0.75 + 1e308 * 0.25])
        high32 = float(np.float32(3e38))
        self.assertEqual(boxed["y"].tolist(), [np.float32(-high32 * 0.25 + high32 * 0.75)])
        self.assertEqual(levelled["x"].tolist(), [-1e308, -5e307, 0, 1e308])
        self.assertEqual(levelled["y"].tolist(), [np.float32(-high32 * 0.25 + high32 * 0.75)])

    def test_multi_discrete_action_discretises_the_shares(self) -> None:
        env = MultiDiscreteAction(_ActionOnly(SMALL), levels=5)
        self.assertEqual(env.action_space, spaces.MultiDiscrete([5, 5, 8, 5, 5, 5, 5, 5]))
        self.assertEqual(as_lists(env.action(np.asarray([4, 0, 7, 2, 0, 4, 1, 2]))), {"partition": [4, 0, 7, 2], "inferenceShare": [0, 1], "miningShare": [0.25, 0.5]})
        with self.assertRaisesRegex(ValueError, r"MultiDiscreteAction: action\[2\] = 8 is outside MultiDiscrete"):
            env.action(np.asarray([4, 0, 8, 2, 0, 4, 1, 2]))
        # a fraction within the levels is not outside them: it is not a level at all
        with self.assertRaisesRegex(ValueError, r"^MultiDiscreteAction: action\[1\] = 0\.5 is not an integer level of MultiDiscrete\(\[5 5 8 5 5 5 5 5\]\)$"):
            env.action(np.asarray([4, 0.5, 7, 2, 0, 4, 1, 2]))
        with self.assertRaisesRegex(ValueError, r"MultiDiscreteAction: action\[1\] = nan is NaN"):
            env.action(np.asarray([4, np.nan, 7, 2, 0, 4, 1, 2]))
        with self.assertRaisesRegex(ValueError, r"MultiDiscreteAction: action\[1\] = inf is outside MultiDiscrete"):
            env.action(np.asarray([4, np.inf, 7, 2, 0, 4, 1, 2]))
        with self.assertRaisesRegex(ValueError, r"MultiDiscreteAction: levels = 1; give an integer >= 2"):
            MultiDiscreteAction(_ActionOnly(SMALL), levels=1)

    def test_wrapped_registered_env_keeps_a_spec_gymnasium_can_rebuild(self) -> None:
        for wrapped in (BoxAction(gym.make("bdt_gym/BDT-small-v0"), dtype=np.float64), MultiDiscreteAction(gym.make("bdt_gym/BDT-small-v0"), levels=5)):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                check_env(wrapped)
            rebuilt = gym.make(wrapped.spec)
            self.assertEqual(rebuilt.action_space, wrapped.action_space)
            # as JSON too (datasets such as Minari's store it so): BoxAction recorded its dtype as a type
            self.assertEqual(gym.make(gym.envs.registration.EnvSpec.from_json(wrapped.spec.to_json())).action_space, wrapped.action_space)
            rebuilt.close()
            wrapped.close()

    def test_multi_discrete_action_refuses_levels_that_are_not_an_integer_of_2_or_more(self) -> None:
        for levels in (2.5, "11", 1, True):
            with self.assertRaisesRegex(ValueError, r"MultiDiscreteAction: levels = .*; give an integer >= 2"):
                MultiDiscreteAction(_ActionOnly(spaces.Dict({"x": spaces.Box(0, 1, (1,))})), levels=levels)  # type: ignore[arg-type]

    def test_vectorize_transform_action_applies_them_to_the_native_vector_env(self) -> None:
        from gymnasium.wrappers.vector import VectorizeTransformAction

        for wrapper, kwargs in ((BoxAction, {}), (MultiDiscreteAction, {"levels": 5})):
            envs = VectorizeTransformAction(gym.make_vec("bdt_gym/BDT-small-v0", num_envs=3), wrapper=wrapper, **kwargs)
            single = wrapper(_ActionOnly(envs.unwrapped.single_action_space), **kwargs)
            try:
                envs.reset(seed=0)
                envs.action_space.seed(1)
                actions = envs.action_space.sample()
                self.assertEqual(actions.shape, (3, 8))
                # each row maps to the Dict action the single-env wrapper gives for it
                expected = [single.action(row) for row in actions]
                batch = envs.actions(actions)
                for key in ("partition", "inferenceShare", "miningShare"):
                    np.testing.assert_array_equal(batch[key], np.stack([e[key] for e in expected]))
                self.assertEqual(envs.step(actions)[1].shape, (3,))
            finally:
                envs.close()

    def test_cleanrls_vector_stack_on_the_native_vector_env_records_each_envs_own_episode(self) -> None:
        # README's CleanRL recipe: Gymnasium's vector wrappers over the native vector env, next-step autoreset
        from gymnasium.wrappers import vector as vw

        slots, num_envs = 4, 2
        scenario = {"slots": slots}
        envs = vw.VectorizeTransformAction(gym.make_vec("bdt_gym/BDT-small-v0", num_envs=num_envs, scenario=scenario), wrapper=BoxAction)
        envs = vw.RescaleAction(envs, np.float32(-1), np.float32(1))
        envs = vw.FlattenObservation(envs)
        envs = vw.RecordEpisodeStatistics(envs)
        envs = vw.ClipAction(envs)
        envs = vw.NormalizeObservation(envs)
        singles = [RescaleAction(BoxAction(bdt_gym.BdtGymEnv("BDT-small-v0", infoLevel="summary", scenario=scenario)), np.float32(-1), np.float32(1)) for _ in range(num_envs)]
        try:
            envs.reset(seed=5)
            for i, single in enumerate(singles):
                single.reset(seed=5 + i)
            rng = np.random.default_rng(0)
            width = envs.single_action_space.shape[0]
            returns = np.zeros(num_envs)
            for t in range(slots):
                actions = rng.uniform(-1.5, 1.5, (num_envs, width)).astype(np.float32)  # beyond [-1, 1]: ClipAction's part
                obs, rewards, _, truncated, infos = envs.step(actions)
                self.assertEqual(obs.shape, (num_envs, *envs.single_observation_space.shape))
                self.assertTrue(np.isfinite(obs).all())
                for i, single in enumerate(singles):
                    reward = single.step(np.clip(actions[i], -1, 1))[1]
                    self.assertEqual(rewards[i], reward, f"env {i}, slot {t}")
                    returns[i] += reward
                self.assertEqual(list(truncated), [t == slots - 1] * num_envs)
            self.assertEqual(list(infos["_episode"]), [True] * num_envs)
            np.testing.assert_allclose(infos["episode"]["r"], returns, rtol=1e-12)
            np.testing.assert_array_equal(infos["episode"]["l"], [slots] * num_envs)
            # next-step autoreset: the step after the last slot resets each env, reward 0, and records no episode
            _, rewards, _, truncated, infos = envs.step(np.zeros((num_envs, width), np.float32))
            np.testing.assert_array_equal(rewards, [0.0] * num_envs)
            self.assertNotIn("episode", infos)
        finally:
            envs.close()
            for single in singles:
                single.close()

    def test_wrappers_refuse_what_they_cannot_flatten(self) -> None:
        for wrapper in (BoxAction, MultiDiscreteAction):
            with self.assertRaisesRegex(TypeError, rf"{wrapper.__name__}: the action space is Discrete\(2\); it must be a Dict of MultiDiscrete and bounded float Box"):
                wrapper(_ActionOnly(spaces.Discrete(2)))
            with self.assertRaisesRegex(TypeError, rf"{wrapper.__name__}: the action space's key 'k' is Discrete\(3\); only MultiDiscrete"):
                wrapper(_ActionOnly(spaces.Dict({"k": spaces.Discrete(3)})))
            with self.assertRaisesRegex(TypeError, r"the action space's key 'x' is Box\(-inf, inf"):
                wrapper(_ActionOnly(spaces.Dict({"x": spaces.Box(-np.inf, np.inf, (1,))})))

    def test_the_wrapped_b_dt_env_passes_gymnasiums_checker_and_runs_flat(self) -> None:
        for wrap in (BoxAction, lambda env: RescaleAction(BoxAction(env), np.float32(-1), np.float32(1)), MultiDiscreteAction):
            env = wrap(bdt_gym.BdtGymEnv("BDT-small-v0", infoLevel="summary"))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the gain in dB is an unbounded Box by design; check_env prefers unwrapped envs
                check_env(env)
            env.close()
        env = FlattenObservation(BoxAction(gym.make("bdt_gym/BDT-v0", infoLevel="summary", scenario={"slots": 3})))  # what SB3's MlpPolicy takes
        self.assertIs(type(env.action_space), spaces.Box)
        self.assertIs(type(env.observation_space), spaces.Box)
        env.reset(seed=0)
        env.action_space.seed(0)
        steps = [env.step(env.action_space.sample()) for _ in range(3)]
        self.assertEqual([truncated for *_, truncated, _ in steps], [False, False, True])
        env.close()


class InfoFromJsonTest(unittest.TestCase):
    """Infos as the server sends them, read without a server."""

    def test_a_count_keys_fractions_stay_floats_its_whole_numbers_ints(self) -> None:
        # an env of your own (--import) may name a fraction as B-DT names a count: int64 truncated 1.5 to 1
        from bdt_gym.env import info_from_json
        from bdt_gym.vector_env import _vector_info

        single = info_from_json({"slot": 1.5, "partition": [0.25, 1.75], "winner": 2, "gatewayViolations": [1, 2]})
        self.assertEqual(single["slot"], 1.5)
        np.testing.assert_equal(single["partition"], [0.25, 1.75])
        self.assertEqual(single["partition"].dtype, np.float64)
        self.assertIsInstance(single["winner"], int)
        self.assertEqual(single["gatewayViolations"].dtype, np.int64, "B-DT's counts stay ints")

        space = spaces.Box(0, 1, (1,))
        vector = _vector_info({"slot": [1, 1.5], "_slot": [True, True], "partition": [[0.25, 1.75], None], "_partition": [True, False], "winner": [0, 1], "_winner": [True, True]}, 2, space)
        np.testing.assert_equal(vector["slot"], [1.0, 1.5])
        np.testing.assert_equal(vector["partition"], [[0.25, 1.75], [0.0, 0.0]])
        self.assertEqual(vector["partition"].dtype, np.float64)
        self.assertEqual(vector["winner"].dtype, np.int64)


class ServerWarningsTest(unittest.TestCase):
    """The env's warnings in the server reach Python as Gymnasium's envs raise theirs: gymnasium.logger.warn's UserWarning."""

    def test_a_warning_of_the_served_env_is_a_python_userwarning_as_gymnasiums_own_cartpole_raises(self) -> None:
        # it went to the server's stderr alone, which catch_warnings, pytest -W error and check_env do not see
        def play_to_termination(env: gym.Env[Any, Any]) -> None:
            env.reset(seed=0)
            terminated = truncated = False
            while not (terminated or truncated):
                _, _, terminated, truncated, _ = env.step(1)

        def step_past_termination(env: gym.Env[Any, Any]) -> list[warnings.WarningMessage]:
            play_to_termination(env)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                env.step(1)
            return caught

        served = bdt_gym.BdtGymEnv("CartPole-v1")
        theirs = gym.make("CartPole-v1").unwrapped
        try:
            caught, expected = step_past_termination(served), step_past_termination(theirs)
            # the same words, but for JavaScript's true where Python's says True
            self.assertEqual([(w.category, str(w.message).lower()) for w in caught], [(w.category, str(w.message).lower()) for w in expected])
            self.assertEqual(len(caught), 1)
            play_to_termination(served)  # CartPole warns at the first step past termination only
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                with self.assertRaisesRegex(UserWarning, r"WARN: You are calling 'step\(\)' even though"):
                    served.step(1)
            # the answer was read whole before the warning was raised: the next request gets its own
            self.assertEqual(served.reset(seed=0)[0].shape, (4,))
        finally:
            served.close()
            theirs.close()

    def test_a_refused_request_raises_its_warnings_then_its_error(self) -> None:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with self.assertRaises(bdt_gym.UnexpectedKeywordError):
                bdt_gym.BdtGymEnv("CartPole", bad=1)
        self.assertEqual([str(w.message) for w in caught], ["\x1b[33mWARN: Using the latest versioned environment `CartPole-v1` instead of the unversioned environment `CartPole`.\x1b[0m"])


class ErrorTransportTest(unittest.TestCase):
    """bdt_gym's errors through pickle and Gymnasium's one-argument re-raise (AsyncVectorEnv's workers)."""

    def test_errors_pickle_and_rebuild_from_one_argument_keeping_type_text_and_kind(self) -> None:
        made = [
            bdt_gym.BdtGymError("SpaceError", "m"),
            bdt_gym.InvalidActionError("InvalidActionError", "m"),
            bdt_gym.InvalidArgumentError("ScenarioError", "m"),
            bdt_gym.UnexpectedKeywordError("KwargsError", "m"),
            bdt_gym.InvalidSeedError("InvalidSeedError", "m"),
            bdt_gym.ResetNeededError("ResetNeededError", "m"),
            bdt_gym.UnregisteredEnvError("UnregisteredEnvError", "m"),
            bdt_gym.AttributeRefusedError("AttributeRefusedError", "m"),
        ]
        for error in made:
            # pickle rebuilds an exception from its args (a worker's error crosses to its parent so);
            # AsyncVectorEnv then raises exctype(value) with the rebuilt error
            for copy_of in (pickle.loads(pickle.dumps(error)), type(error)(error)):
                self.assertIs(type(copy_of), type(error))
                self.assertEqual(str(copy_of), str(error))
                self.assertEqual(copy_of.kind, error.kind)
        self.assertEqual(bdt_gym.UnexpectedKeywordError("text").kind, "KwargsError", "gymnasium.make's re-raise of an env's TypeError")

    def test_an_async_vector_envs_worker_refusal_reaches_the_parent_as_itself(self) -> None:
        # it arrived as "TypeError: BdtGymError.__init__() missing 1 required positional argument", and close() then hung
        envs = gym.make_vec("bdt_gym/BDT-small-v0", num_envs=2, vectorization_mode="async", infoLevel="summary", scenario={"slots": 2})
        try:
            envs.reset(seed=0)
            actions = envs.action_space.sample()
            actions["miningShare"][1, 0] = np.nan
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # Gymnasium logs the worker's traceback as it shuts it down
                with self.assertRaises(bdt_gym.InvalidActionError) as raised:
                    envs.step(actions)
            self.assertIn('key "miningShare": element [0] is NaN', str(raised.exception))
        finally:
            envs.close(terminate=True)


if __name__ == "__main__":
    unittest.main()
