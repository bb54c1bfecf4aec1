@echo off
rem akhlak-tui: install from this kit, offline (Windows). Double-click, or: install.bat [DIR]
rem Checks every file against MANIFEST.sha256, makes a fresh virtual environment (default
rem %LOCALAPPDATA%\akhlak-tui-venv), installs from wheels\ only (never the network), puts an
rem akhlak.bat launcher on the Desktop, and installs the survey package.
rem Paths are echoed only outside ( ) blocks: a ")" in a user's folder name would end the block.
setlocal EnableExtensions
rem "%~dp0." rather than "%~dp0": no backslash before the closing quote, and E:\. works at a drive's root.
set "KIT=%~dp0."
set "VENV=%LOCALAPPDATA%\akhlak-tui-venv"
if not "%AKHLAK_INSTALL_DIR%"=="" set "VENV=%AKHLAK_INSTALL_DIR%"
if not "%~1"=="" set "VENV=%~1"

set "PY="
where py >nul 2>nul && set "PY=py -3"
if not defined PY where python >nul 2>nul && set "PY=python"
if not defined PY goto :nopython

rem Nothing from the network, whatever pip's configuration says: only this kit's wheels.
for /f "delims==" %%V in ('set PIP_ 2^>nul') do set "%%V="
set "PIP_CONFIG_FILE=nul"
set "PIP_NO_INDEX=1"
set "PIP_DISABLE_PIP_VERSION_CHECK=1"
set "PIP_NO_CACHE_DIR=1"

echo 1/4 Memeriksa kit / checking the kit ...
%PY% "%KIT%\verify_kit.py" "%KIT%" || goto :failed

echo 2/4 Membuat lingkungan Python / making the environment in %VENV% ...
rem Only ever replace an earlier environment (it has pyvenv.cfg), never another folder.
if not exist "%VENV%" goto :makevenv
if not exist "%VENV%\pyvenv.cfg" goto :notvenv
rmdir /s /q "%VENV%"
if exist "%VENV%" goto :inuse
:makevenv
%PY% -m venv "%VENV%" || goto :failed

echo 3/4 Memasang akhlak dari kit / installing from the kit, offline ...
"%VENV%\Scripts\python.exe" -m pip install --quiet --no-index --find-links "%KIT%\wheels" akhlak-tui || goto :failed

set "DESKTOP=%USERPROFILE%\Desktop"
for /f "usebackq delims=" %%D in (`powershell -NoProfile -Command "[Environment]::GetFolderPath('Desktop')" 2^>nul`) do set "DESKTOP=%%D"
> "%DESKTOP%\akhlak.bat" echo @echo off
>> "%DESKTOP%\akhlak.bat" echo "%VENV%\Scripts\akhlak.exe" %%*
>> "%DESKTOP%\akhlak.bat" echo if errorlevel 1 pause
copy /y "%DESKTOP%\akhlak.bat" "%VENV%\akhlak.bat" >nul
echo     peluncur / launcher: %DESKTOP%\akhlak.bat

echo 4/4 Survei / survey ...
set "FOUND="
for %%S in ("%KIT%\survey\*") do (
    set "FOUND=1"
    "%VENV%\Scripts\akhlak.exe" survey install "%%~fS" || goto :failed
    echo     Bandingkan sidik jari koordinator di atas dengan yang tercetak di panduan.
    echo     Compare the coordinator fingerprint above with the one printed on the guide.
)
if not defined FOUND echo     tidak ada paket survei di kit / no survey package in this kit: practice mode

"%VENV%\Scripts\akhlak.exe" status >nul || goto :failed
echo Selesai / done: klik dua kali / double-click akhlak.bat di Desktop
pause
exit /b 0

:nopython
echo GAGAL / FAILED: Python tidak ditemukan / not found: pasang Python 3.10+ dari python.org / install Python 3.10 or newer
goto :failed
:notvenv
echo GAGAL / FAILED: %VENV% ada tapi bukan lingkungan Python / exists and is not a virtual environment
goto :failed
:inuse
echo GAGAL / FAILED: %VENV% tidak bisa dihapus / cannot be removed: tutup akhlak dulu / close akhlak first
goto :failed
:failed
echo Pemasangan gagal / installation failed.
pause
exit /b 1
