(* sleeps_lwt.ml: the timer benchmark on Lwt (native code): F Lwt threads each sleeping 1 ms K times with
   Lwt_unix.sleep; prints the CPU time (user + system) per sleep in ns, as bench/sleeps.c does.
   Usage: sleeps_lwt run F K
   Built and run by bench/run.py, so covered by ctest bench-quick (it runs whole). *)

open Lwt.Infix

let () =
  if Array.length Sys.argv <> 4 || Sys.argv.(1) <> "run" then (prerr_endline "usage: sleeps_lwt run F K"; exit 2);
  let f = int_of_string Sys.argv.(2) and k = int_of_string Sys.argv.(3) in
  let cpu () = let t = Unix.times () in t.Unix.tms_utime +. t.Unix.tms_stime in
  let rec sleeper k = if k = 0 then Lwt.return_unit else Lwt_unix.sleep 0.001 >>= fun () -> sleeper (k - 1) in
  let c0 = cpu () in
  Lwt_main.run (Lwt.join (List.init f (fun _ -> sleeper k)));
  let c = cpu () -. c0 in
  Printf.printf "%.1f\n" (c *. 1e9 /. float_of_int (f * k))
